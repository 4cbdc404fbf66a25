"""Payments' part in account deletion and data export (see loopin.core.hooks)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from loopin.participation.tickets import ticket_cancel
from loopin.payments.models import (
    BankAccount,
    Order,
    OrderStatus,
    PaymentEvent,
    PayoutRequest,
    Refund,
    SettlementAccount,
    SettlementAccountStatus,
)
from loopin.payments.services import _attendee_refund_amount, _refund_open, order_release, refund_cutoff
from loopin.tickets.models import Ticket, TicketStatus

if TYPE_CHECKING:
    from loopin.accounts.models import User


def erase_payments(user: User) -> None:
    """Release open holds; cancel future paid tickets (refunded while the refund window is open, per the
    attendee policy); empty bank accounts; disable settlement accounts. Orders, refunds, payouts and
    settlements stay, pointing at the tombstone."""
    now = timezone.now()
    for order_id in Order.objects.filter(user=user, status=OrderStatus.PENDING).values_list("id", flat=True):
        order_release(order_id=order_id, reason="account deleted")
    future = Order.objects.select_for_update().filter(
        user=user,
        status__in=[OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED],
        ticket__status=TicketStatus.VALID,
        event__start_at__gt=now,
    )
    for order in future.select_related("event", "user"):
        ticket = Ticket.objects.select_for_update().get(id=order.ticket_id)
        in_window = now < refund_cutoff(order.event)
        ticket_cancel(
            ticket=ticket,
            reason="account_deleted",
            actor=user,
            status=TicketStatus.REFUNDED if in_window else TicketStatus.CANCELLED,
        )
        amount = _attendee_refund_amount(order) if in_window else 0
        if amount > 0:
            _refund_open(order, amount=amount, reason="account_deleted", key=f"erase:{order.id}", actor=user)
    # What providers echoed about the person (names, phone, email in checkout fields and webhook payloads) goes;
    # amounts, ids and states stay for the books.
    Order.objects.filter(user=user).update(checkout={})
    PaymentEvent.objects.filter(order__user=user).update(payload={})
    BankAccount.objects.filter(user=user).update(
        holder_name="", account_number_encrypted="", is_primary=False, removed_at=now
    )
    # No further transfers to the person's provider accounts (their shares of later orders go to payouts).
    SettlementAccount.objects.filter(user=user).update(status=SettlementAccountStatus.DISABLED, updated_at=now)


def export_payments(user: User) -> dict[str, Any]:
    def money(v: Any) -> str:
        return f"{v}"

    orders = Order.objects.filter(user=user).order_by("created_at")
    return {
        "orders": [
            {
                "id": str(o.id),
                "event_id": str(o.event_id),
                "status": o.status,
                "seats": o.seats,
                "currency": o.currency,
                "total": money(o.total),
                "fee_amount": money(o.fee_amount),
                "amount_refunded": money(o.amount_refunded),
                "provider": o.provider,
                "created_at": o.created_at.isoformat(),
                "paid_at": o.paid_at.isoformat() if o.paid_at else None,
            }
            for o in orders
        ],
        "refunds": [
            {
                "id": str(r.id),
                "order_id": str(r.order_id),
                "amount": money(r.amount),
                "reason": r.reason,
                "status": r.status,
                "created_at": r.created_at.isoformat(),
            }
            for r in Refund.objects.filter(order__user=user).order_by("created_at")
        ],
        "bank_accounts": [
            {
                "id": str(a.id),
                "holder_name": a.holder_name,
                "bank_name": a.bank_name,
                "ifsc": a.ifsc,
                "account_number": a.masked,
            }
            for a in BankAccount.objects.filter(user=user, removed_at__isnull=True)
        ],
        "payouts": [
            {
                "id": str(p.id),
                "event_id": str(p.event_id),
                "status": p.status,
                "amount": money(p.amount),
                "currency": p.currency,
                "created_at": p.created_at.isoformat(),
                "transaction_ref": p.transaction_ref,
            }
            for p in PayoutRequest.objects.filter(Q(host=user)).order_by("created_at")
        ],
    }
