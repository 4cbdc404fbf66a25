"""Confirming a payment exactly once: the order row is locked and only a not-yet-settled order changes."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import Conflict, NotFound
from loopin.events.models import Event, EventStatus
from loopin.events.signals import send_after_commit
from loopin.participation.errors import CapacityExceeded
from loopin.participation.seats import seats_release
from loopin.participation.tickets import ticket_issue
from loopin.payments import signals
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.models import (
    SETTLED,
    Order,
    OrderStatus,
)
from loopin.payments.money import to_minor
from loopin.payments.providers import get_provider
from loopin.payments.services.orders import order_release
from loopin.payments.services.refunds import _refund_open
from loopin.payments.settlement.transfers import settlement_plan
from loopin.tickets.models import TicketSource


def _payment_mismatch(order: Order, *, provider: str, amount_minor: Any, currency: str) -> tuple[str, str] | None:
    """(what, reason) when a "paid" message does not match the order exactly; None when it does."""
    expected = to_minor(order.amount_due, order.currency)  # the total less any credits applied
    if provider != order.provider:
        return "provider", f"paid through {provider}, but the order is with {order.provider}"
    if amount_minor is None:
        return "amount", f"the provider gave no amount (expected {expected} minor units)"
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool) or amount_minor != expected:
        return "amount", f"paid {str(amount_minor)[:32]} minor units, expected {expected}"
    if not currency:
        return "currency", f"the provider gave no currency (expected {order.currency})"
    if currency.upper() != order.currency.upper():
        return "currency", f"paid in {currency[:8]}, expected {order.currency}"
    return None


def payment_confirm(
    *,
    order_id: uuid.UUID,
    payment_id: str,
    provider: str,
    amount_minor: int | None,
    currency: str,
    via: str = "webhook",
) -> Order:
    """The provider says the order is paid. The first confirmation fulfils it; later ones change nothing.

    Only a payment whose provider, amount and currency all match the order fulfils it; any other stays
    pending with `review_reason` set for staff (admin: Orders, "needs review"), and is audited.
    A payment for an order whose hold is gone (expired, failed) is fulfilled if seats remain and the
    event still runs; otherwise it is refunded in full automatically.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("user").get(id=order_id)
        if order.status in SETTLED:
            return order
        mismatch = _payment_mismatch(order, provider=provider, amount_minor=amount_minor, currency=currency)
        if mismatch is not None:
            what, reason = mismatch
            # Not fulfilled: staff look at it (the audit entry and the stored provider event say what came in).
            audit_record(
                action=f"order.{what}_mismatch",
                obj=order,
                data={
                    "expected": {
                        "provider": order.provider,
                        "amount": to_minor(order.amount_due, order.currency),
                        "currency": order.currency,
                    },
                    "got": {"provider": provider, "amount": str(amount_minor)[:32], "currency": currency[:8]},
                    "via": via,
                    "payment_id": payment_id[:128],
                },
            )
            order.review_reason = f"{what} mismatch ({via}): {reason}"[:255]
            order.save(update_fields=["review_reason", "updated_at"])
            return order
        event = Event.objects.get(id=order.event_id)
        had_hold = order.seats_held
        ticket = None
        # An order whose credit part already went back (it expired or failed first) is not fulfilled by its card
        # part alone: no ticket, and the card part is refunded below.
        may_issue = not order.credits_released
        if may_issue and (
            event.status == EventStatus.PUBLISHED or (had_hold and event.status == EventStatus.POSTPONED)
        ):
            try:
                with transaction.atomic():
                    ticket = ticket_issue(
                        event=event,
                        user=order.user,
                        seats=order.seats,
                        source=TicketSource.PURCHASE,
                        actor=order.user,
                        seats_held=had_hold,
                        tier=order.tier,
                    )
            except (CapacityExceeded, Conflict):
                ticket = None
        if ticket is None and had_hold:
            seats_release(event_id=event.id, seats=order.seats, tier_id=order.tier_id)
        now = timezone.now()
        order.status = OrderStatus.PAID
        order.seats_held = False
        order.ticket = ticket
        order.provider_payment_id = payment_id or order.provider_payment_id
        order.paid_at = now
        order.save(update_fields=["status", "seats_held", "ticket", "provider_payment_id", "paid_at", "updated_at"])
        audit_record(
            action="order.paid",
            actor=order.user,
            obj=order,
            subject=order.user,
            data={"via": via, "late": not had_hold, "ticket_id": str(ticket.id) if ticket else None},
        )
        if ticket is None:
            if order.credits_released:
                # The credits came back when the order ended unpaid; what is left to refund is the card part.
                order.amount_refunded += order.credits_applied
            _refund_open(
                order,
                amount=order.total - order.amount_refunded,
                reason="no_seat_for_late_payment",
                key=f"auto:{order.id}",
            )
        else:
            settlement_plan(order)
            send_after_commit(signals.payment_succeeded, order_id=order.id)
    return order


def payment_fail(*, order_id: uuid.UUID, reason: str = "") -> bool:
    """The provider says the payment failed: a pending order gives its seats back; anything later is kept."""
    return order_release(order_id=order_id, status=OrderStatus.FAILED, reason=reason or "payment failed")


def order_verify(*, user: User, order_id: uuid.UUID, payload: dict[str, Any]) -> Order:
    """Client-side confirmation: checked with the provider (Razorpay: the HMAC of order id | payment id)."""
    order = Order.objects.filter(id=order_id, user=user).first()
    if order is None:
        raise NotFound("Order not found.", code=PaymentErrorCode.ORDER_NOT_FOUND)
    if order.status in SETTLED:
        return order
    state = get_provider(order.provider).verify_client(order, payload)
    if state.state == "paid":
        return payment_confirm(
            order_id=order.id,
            payment_id=state.payment_id,
            provider=order.provider,
            amount_minor=state.amount_minor,
            currency=state.currency,
            via="verify",
        )
    if state.state == "failed":
        payment_fail(order_id=order.id, reason=state.reason)
    order.refresh_from_db()
    return order
