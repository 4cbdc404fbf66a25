"""Reads for payments: orders as their owner/host/staff see them, bank accounts, payouts."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.config.settings import get_settings
from loopin.core.errors import NotFound
from loopin.events.models import Event
from loopin.events.selectors.access import ensure_can_manage, event_for
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.models import (
    BankAccount,
    Order,
    OrderStatus,
    PayoutRequest,
    PromoCode,
    Settlement,
    SettlementAccount,
)
from loopin.payments.providers.base import PAYMENT_FAILED, PAYMENT_SUCCEEDED
from loopin.payments.providers.sandbox import checkout_link_claims, sandbox_event


def _money(value: Any) -> str:
    return f"{value}"


def refund_cutoff(event: Event) -> Any:
    """Until when a buyer may cancel a paid ticket with a refund (REFUND_CUTOFF_HOURS before the start)."""
    return event.start_at - timedelta(hours=get_settings().REFUND_CUTOFF_HOURS)


def refund_state(order: Order) -> tuple[str, str | None]:
    """How much of an order came back, in words a buyer understands, and the fee kept if that is the gap."""
    if order.amount_refunded <= 0:
        return "none", None
    if order.amount_refunded >= order.total:
        return "refunded_in_full", None
    if order.fee_amount > 0 and order.amount_refunded == order.total - order.fee_amount:
        return "refunded_except_fee", _money(order.fee_amount)
    return "partially_refunded", None


def order_data(order: Order, *, viewer: User) -> dict[str, Any]:
    state, fee_kept = refund_state(order)
    return {
        "id": order.id,
        "event_id": order.event_id,
        "status": order.status,
        "seats": order.seats,
        "tier_id": order.tier_id,
        "tier_name": order.tier.name if order.tier_id else None,
        "provider": order.provider,
        "currency": order.currency,
        "list_price": _money(order.list_price if order.list_price is not None else order.base_price),
        "promo_code": order.promo_code or None,
        "discount_amount": _money(order.discount_amount),
        "base_price": _money(order.base_price),
        "fee_percent": _money(order.fee_percent),
        "unit_total": _money(order.unit_total),
        "fee_amount": _money(order.fee_amount),
        "total": _money(order.total),
        "amount_refunded": _money(order.amount_refunded),
        "refund_state": state,
        "fee_kept": fee_kept,
        "hold_expires_at": order.hold_expires_at,
        "checkout": order.checkout if viewer.id == order.user_id and order.status == OrderStatus.PENDING else None,
        "ticket_id": order.ticket_id,
        "refund_cutoff": refund_cutoff(order.event),
        "refunds": [
            {
                "id": r.id,
                "amount": _money(r.amount),
                "reason": r.reason,
                "status": r.status,
                "created_at": r.created_at,
                "processed_at": r.processed_at,
            }
            for r in order.refunds.all()
        ],
        "invoices": _invoices(order, viewer),
        "created_at": order.created_at,
        "paid_at": order.paid_at,
    }


def _invoices(order: Order, viewer: User) -> list[dict[str, Any]]:
    """The order's GST documents (written by loopin.invoices; read through the relation it adds, so payments
    imports nothing of it): all to the buyer and staff, only the host's own (the ticket's) to the host."""
    host_only = viewer.id != order.user_id and viewer.id == order.event.host_id
    return [
        {
            "id": d.id,
            "number": d.number,
            "document_type": d.doc_type,
            "kind": d.kind,
            "tax_split": d.tax_split,
            "taxable_value": _money(d.taxable_value),
            "cgst": _money(d.cgst),
            "sgst": _money(d.sgst),
            "igst": _money(d.igst),
            "total": _money(d.total),
            "pdf_url": f"/api/v2/invoices/{d.id}.pdf",
        }
        for d in order.tax_documents.all()
        if not host_only or d.kind == "ticket"
    ]


def order_for_viewer(*, user: User, order_id: uuid.UUID) -> Order:
    """The order, if `user` may read it: its buyer, the event's host and staff with `payments.view_order`
    (staff reads are audited); 404 for anyone else."""
    order = Order.objects.select_related("event", "tier").filter(id=order_id).first()
    if order is None:
        raise NotFound("Order not found.", code=PaymentErrorCode.ORDER_NOT_FOUND)
    if user.id not in (order.user_id, order.event.host_id):
        if not (user.is_staff and user.has_perm("payments.view_order")):
            raise NotFound("Order not found.", code=PaymentErrorCode.ORDER_NOT_FOUND)
        audit_record(action="staff.order_read", actor=user, obj=order, data={"permission": "payments.view_order"})
    return order


def order_view(*, user: User, order_id: uuid.UUID) -> dict[str, Any]:
    """An order a service just returned to `user`, read back with its refunds and documents for the response."""
    order = Order.objects.select_related("event", "tier").prefetch_related("refunds", "tax_documents").get(id=order_id)
    return order_data(order, viewer=user)


def my_orders(*, user: User, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    qs = Order.objects.filter(user=user).select_related("event", "tier").prefetch_related("refunds", "tax_documents")
    return [order_data(o, viewer=user) for o in qs[offset : offset + limit]], qs.count()


def bank_account_data(account: BankAccount) -> dict[str, Any]:
    return {
        "id": account.id,
        "holder_name": account.holder_name,
        "bank_name": account.bank_name,
        "ifsc": account.ifsc,
        "account_number": account.masked,
        "is_primary": account.is_primary,
        "created_at": account.created_at,
    }


def bank_accounts(*, user: User) -> list[dict[str, Any]]:
    return [bank_account_data(a) for a in BankAccount.objects.filter(user=user, removed_at__isnull=True)]


def payout_data(p: PayoutRequest) -> dict[str, Any]:
    return {
        "id": p.id,
        "event_id": p.event_id,
        "status": p.status,
        "currency": p.currency,
        "amount": _money(p.amount),
        "gross_earnings": _money(p.gross_earnings),
        "refunds_total": _money(p.refunds_total),
        "previously_paid": _money(p.previously_paid),
        "tickets_sold": p.tickets_sold,
        "attendees": p.attendees,
        "bank_account": p.account_masked,
        "transaction_ref": p.transaction_ref,
        "rejection_reason": p.rejection_reason,
        "created_at": p.created_at,
        "completed_at": p.completed_at,
    }


def my_payouts(*, user: User, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    qs = PayoutRequest.objects.filter(host=user)
    return [payout_data(p) for p in qs[offset : offset + limit]], qs.count()


def sandbox_checkout_context(*, order_id: uuid.UUID, token: str) -> dict[str, Any]:
    """What the sandbox checkout page shows: the order and its signed Pay/Fail webhooks.

    Only through the buyer's link (order and buyer signed, valid as long as the hold); 404 for anything else,
    and always while the sandbox is off.
    """
    missing = NotFound("Order not found.", code=PaymentErrorCode.ORDER_NOT_FOUND)
    claims = checkout_link_claims(token) if get_settings().payment_sandbox_enabled else None
    if claims is None or claims[0] != str(order_id):
        raise missing
    order = Order.objects.select_related("event").filter(id=order_id, user_id=claims[1], provider="sandbox").first()
    if order is None or not order.provider_order_id:
        raise missing
    events = {}
    for button, kind in (("pay", PAYMENT_SUCCEEDED), ("fail", PAYMENT_FAILED)):
        body, headers = sandbox_event(order, kind)
        events[button] = {"body": body.decode(), "signature": headers["X-Sandbox-Signature"]}
    return {
        "order": order,
        "events": events,
        "open": order.status in (OrderStatus.PENDING, OrderStatus.EXPIRED, OrderStatus.FAILED),
    }


def promo_data(promo: PromoCode) -> dict[str, Any]:
    return {
        "id": promo.id,
        "code": promo.code,
        "kind": promo.kind,
        "amount": _money(promo.amount),
        "tier_ids": [t.id for t in promo.tiers.all()],
        "max_uses": promo.max_uses,
        "max_uses_per_person": promo.max_uses_per_person,
        "uses": promo.uses,
        "valid_from": promo.valid_from,
        "valid_until": promo.valid_until,
        "is_active": promo.is_active,
    }


def promo_view(*, promo_id: uuid.UUID) -> dict[str, Any]:
    """A promo code a service just wrote, read back with its tiers for the response."""
    return promo_data(PromoCode.objects.prefetch_related("tiers").get(id=promo_id))


def event_promo_codes(*, user: User, event_id: uuid.UUID) -> list[dict[str, Any]]:
    """The event's promo codes, for its host (and staff who may change events)."""
    event = event_for(user, event_id)
    ensure_can_manage(user, event)
    return [promo_data(p) for p in PromoCode.objects.filter(event_id=event.id).prefetch_related("tiers")]


def settlement_account_data(account: SettlementAccount) -> dict[str, Any]:
    return {
        "id": account.id,
        "provider": account.provider,
        "account_id": account.account_id,
        "status": account.status,
        "provider_status": account.provider_status,
        "verified_at": account.verified_at,
        "created_at": account.created_at,
    }


def my_settlement_accounts(*, user: User) -> list[dict[str, Any]]:
    return [settlement_account_data(a) for a in SettlementAccount.objects.filter(user=user)]


def my_settlements(*, user: User, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """The caller's shares of paid orders (as owner or co-host), newest first."""
    qs = Settlement.objects.filter(recipient=user).select_related("order")
    return [
        {
            "id": s.id,
            "order_id": s.order_id,
            "event_id": s.order.event_id,
            "method": s.method,
            "status": s.status,
            "provider": s.provider,
            "currency": s.currency,
            "share_bps": s.share_bps,
            "amount": _money(s.amount),
            "amount_reversed": _money(s.amount_reversed),
            "created_at": s.created_at,
            "transferred_at": s.transferred_at,
        }
        for s in qs[offset : offset + limit]
    ], qs.count()
