"""Moving an order through its life (the table is `loopin.venuecommerce.states.TRANSITIONS`).

Every move locks the order's row, checks the table for this kind of actor (guest, venue staff, Loopin itself)
and the order's fulfilment, stamps the time, audits, and after commit pushes the guest and tells the sockets
(`notify.order_changed`). Asking for the state an order is already in is a no-op (a retried tap); anything
else the table lacks is 409 ORDER_INVALID_TRANSITION. Cancelling gives counted stock back and refunds what
was paid, once.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import Conflict, NotFound
from loopin.venuecommerce import notify, payment
from loopin.venuecommerce.access import venue_for
from loopin.venuecommerce.error_codes import VenueCommerceErrorCode
from loopin.venuecommerce.models import CancelledBy, MenuVariant, VenueOrder
from loopin.venuecommerce.selectors import order_rows
from loopin.venuecommerce.states import GUEST, STAFF, SYSTEM, OrderState, allowed_next, may_move

# A card order nobody paid for gives its stock back after this long.
UNPAID_EXPIRY = timedelta(minutes=15)
# Where only staff may still cancel: the guest's chance passed when the venue accepted.
GUEST_TOO_LATE = (OrderState.ACCEPTED, OrderState.PREPARING, OrderState.READY)
STAMPS: dict[str, str] = {
    OrderState.ACCEPTED: "accepted_at",
    OrderState.READY: "ready_at",
    OrderState.DELIVERED: "completed_at",
    OrderState.PICKED_UP: "completed_at",
    OrderState.CANCELLED: "cancelled_at",
}


def stock_release(order: VenueOrder) -> bool:
    """Give a cancelled order's counted stock back, exactly once (inside the cancelling transaction)."""
    if not VenueOrder.objects.filter(id=order.id, stock_held=True).update(stock_held=False):
        return False
    order.stock_held = False
    for line in order.lines.filter(stock_counted=True).order_by("variant_id"):
        MenuVariant.objects.filter(id=line.variant_id, stock__isnull=False).update(stock=F("stock") + line.quantity)
    return True


def order_mark_paid(*, order: VenueOrder, reference: str) -> None:
    """Inside the paying transaction, on the locked (or just created) order: paid, so in the counter's queue."""
    now = timezone.now()
    order.status = OrderState.PLACED
    order.paid_at = now
    order.placed_at = now
    order.payment_reference = reference[:128]
    order.save(update_fields=["status", "paid_at", "placed_at", "payment_reference", "updated_at"])
    audit_record(
        action="venue_order.placed", actor=None, obj=order, subject=order.user, data={"total": str(order.total)}
    )
    notify.after_commit(notify.order_changed, order_id=order.id)


def _move(order: VenueOrder, to: str, *, actor: str, by: User | None, reason: str = "") -> VenueOrder:
    """Move a locked order to `to` if the table lets `actor` (guest/staff/system) do it."""
    if order.status == to:
        return order
    if not may_move(order.status, to, actor=actor, fulfilment=order.fulfilment):
        if actor == GUEST and to == OrderState.CANCELLED and order.status in GUEST_TOO_LATE:
            raise Conflict(
                "The venue has accepted your order; ask its staff to cancel it.",
                code=VenueCommerceErrorCode.ORDER_ALREADY_ACCEPTED,
            )
        raise Conflict(
            f"A {order.status} order cannot become {to}.",
            code=VenueCommerceErrorCode.ORDER_INVALID_TRANSITION,
            details={
                "from": order.status,
                "to": to,
                "allowed": allowed_next(order.status, actor=actor, fulfilment=order.fulfilment),
            },
        )
    old = order.status
    now = timezone.now()
    order.status = to
    fields = ["status", "updated_at"]
    if to in STAMPS:
        setattr(order, STAMPS[to], now)
        fields.append(STAMPS[to])
    if to == OrderState.CANCELLED:
        order.cancelled_by = {GUEST: CancelledBy.GUEST, STAFF: CancelledBy.STAFF}.get(actor, CancelledBy.SYSTEM)
        order.cancel_reason = reason[:200]
        fields += ["cancelled_by", "cancel_reason"]
        stock_release(order)
        if order.paid_at is not None and order.total > order.amount_refunded:
            amount = order.total - order.amount_refunded
            order.refund_reference = payment.refund(order, amount=amount, actor=by)[:128]
            order.amount_refunded += amount
            fields += ["refund_reference", "amount_refunded"]
    order.save(update_fields=fields)
    audit_record(
        action=f"venue_order.{to}",
        actor=by,
        obj=order,
        subject=order.user,
        data={"from": old, "by": actor, "reason": reason[:200]},
    )
    notify.after_commit(notify.order_changed, order_id=order.id)
    return order


def _locked(**filters: object) -> VenueOrder:
    order = VenueOrder.objects.select_for_update().select_related("user").filter(**filters).first()
    if order is None:
        raise NotFound("Order not found.", code=VenueCommerceErrorCode.VENUE_ORDER_NOT_FOUND)
    return order


def order_transition(*, user: User, venue_id: uuid.UUID, order_id: uuid.UUID, to: str, reason: str = "") -> VenueOrder:
    """Venue staff move an order on (accepted, preparing, ready, delivered / picked up) or cancel it."""
    with transaction.atomic():
        venue = venue_for(user, venue_id, "orders")
        order = _locked(id=order_id, venue=venue)
        _move(order, to, actor=STAFF, by=user, reason=reason)
    return order_rows().get(id=order.id)


def order_cancel(*, user: User, event_id: uuid.UUID, order_id: uuid.UUID, reason: str = "") -> VenueOrder:
    """The guest cancels before the venue accepted (refunded in full); later only staff can."""
    with transaction.atomic():
        order = _locked(id=order_id, event_id=event_id, user=user)
        _move(order, OrderState.CANCELLED, actor=GUEST, by=user, reason=reason or "cancelled by the guest")
    return order_rows().get(id=order.id)


def order_paid_by_card(charge: Any) -> str:
    """The charge's `on_paid` (payments calls it once, inside the confirming transaction): the order awaiting
    this payment is placed. An order cancelled meanwhile refuses (409), and payments refunds the charge in full."""
    order = _locked(id=uuid.UUID(str(charge.reference)))
    if order.paid_at is not None:
        return f"order {order.code} already paid"
    if order.status != OrderState.AWAITING_PAYMENT:
        raise Conflict(
            f"Order {order.code} was {order.status} before its payment arrived.",
            code=VenueCommerceErrorCode.ORDER_INVALID_TRANSITION,
            details={"from": order.status, "to": OrderState.PLACED, "allowed": []},
        )
    order_mark_paid(order=order, reference=str(charge.id))
    return f"order {order.code} placed"


def order_card_failed(charge: Any) -> None:
    """The charge's `on_failed`: the unpaid order is cancelled and its stock goes back."""
    order_payment_failed(order_id=uuid.UUID(str(charge.reference)), reason="card payment failed or given up")


def order_payment_failed(*, order_id: uuid.UUID, reason: str = "payment failed") -> VenueOrder:
    """The card payment failed or was given up: the unpaid order is cancelled and its stock goes back."""
    with transaction.atomic():
        order = _locked(id=order_id)
        if order.status != OrderState.AWAITING_PAYMENT:
            return order
        return _move(order, OrderState.CANCELLED, actor=SYSTEM, by=None, reason=reason)


def orders_expire_unpaid() -> int:
    """Cancel card orders left unpaid for UNPAID_EXPIRY, giving their stock back (beat, every minute)."""
    cutoff = timezone.now() - UNPAID_EXPIRY
    ids = list(
        VenueOrder.objects.filter(status=OrderState.AWAITING_PAYMENT, created_at__lte=cutoff).values_list(
            "id", flat=True
        )[:500]
    )
    for order_id in ids:
        order_payment_failed(order_id=order_id, reason="payment not completed in time")
    return len(ids)
