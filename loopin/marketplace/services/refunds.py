"""Refunding a sale (finance staff): the buyer gets their money back the way they paid, and the seller's
earning, if the handover had already credited it, is taken back (see `loopin.marketplace.earnings`)."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from loopin.looppay.spending import refund_spend
from loopin.marketplace.earnings import MARKETPLACE, sale_earning_reverse
from loopin.marketplace.error_codes import MarketplaceErrorCode
from loopin.marketplace.models import MarketplaceOrder, OrderStatus
from loopin.payments.services.charges import charge_refund

REFUNDABLE = (OrderStatus.PAID, OrderStatus.COMPLETED)


def marketplace_order_refund(*, staff: User, order_id: uuid.UUID, reason: str) -> MarketplaceOrder:
    """Refund a paid or completed sale in full, once: credits back to the buyer's balance or the card payment
    refunded; a completed sale's earning is reversed (a seller already paid out owes it to later sales)."""
    if not (staff.is_staff and staff.has_perm("marketplace.refund_marketplaceorder")):
        raise PermissionDenied("Only finance staff refund marketplace sales.")
    if not reason.strip():
        raise ValidationFailed.one("reason", "REQUIRED", "Say why the sale is refunded.")
    with transaction.atomic():
        locked = MarketplaceOrder.objects.select_for_update(of=("self",)).select_related("listing", "seller")
        order = locked.filter(id=order_id).first()
        if order is None:
            raise NotFound(code=MarketplaceErrorCode.MARKET_ORDER_NOT_FOUND)
        if order.status == OrderStatus.REFUNDED:
            return order
        if order.status not in REFUNDABLE:
            label = order.get_status_display().lower()
            state = order.status if label == order.status else f"{order.status}: {label}"
            raise Conflict(
                f"Only a paid or completed sale can be refunded, and this one is {state}. Nothing was sent to the "
                "buyer.",
                code=MarketplaceErrorCode.MARKET_ORDER_NOT_REFUNDABLE,
                details={"status": order.status, "refundable_statuses": list(REFUNDABLE)},
            )
        method, _, ref = order.payment_reference.partition(":")
        if method == "charge":
            charge_refund(
                charge_id=uuid.UUID(ref),
                reason="marketplace_refund",
                actor=staff,
                idempotency_key=f"marketplace-refund:{order.id}",
            )
        else:
            refund_spend(key=f"{MARKETPLACE}:{order.id}", memo=reason.strip()[:100], created_by=staff)
        reversal = sale_earning_reverse(order, actor=staff)
        was = order.status
        order.status = OrderStatus.REFUNDED
        order.refunded_at = timezone.now()
        order.refund_reason = reason.strip()[:255]
        order.save(update_fields=["status", "refunded_at", "refund_reason", "updated_at"])
        audit_record(
            action="marketplace.order_refunded",
            actor=staff,
            obj=order,
            subject=order.buyer,
            data={"from": was, "reason": order.refund_reason, "earning_reversal": str(reversal.id) if reversal else ""},
        )
    return order
