"""Refunds: by the host or staff, by attendees cancelling, and for cancelled events."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, NotFound
from loopin.core.settings import get_settings
from loopin.events.signals import send_after_commit
from loopin.participation.tickets import ticket_cancel
from loopin.payments import signals
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.errors import RefundWindowClosed
from loopin.payments.models import (
    SETTLED,
    Order,
    OrderStatus,
    Refund,
    RefundStatus,
)
from loopin.payments.money import to_minor
from loopin.payments.providers import get_provider
from loopin.payments.refund_routes import credits_route, refund_route_for
from loopin.payments.selectors import refund_cutoff
from loopin.payments.services.orders import order_cancel_pending, order_release
from loopin.payments.services.refund_core import RefundKind, RefundPart, refund_open, refunded_status
from loopin.payments.settlement.reversals import reversals_plan
from loopin.tickets.models import Ticket, TicketStatus


def _host_refunded(order: Order) -> Decimal:
    total = order.refunds.exclude(status=RefundStatus.FAILED).aggregate(s=Sum("host_amount"))["s"]
    return total or Decimal("0")


def refund_split(order: Order, amount: Decimal) -> tuple[Decimal, Decimal]:
    """(card part, credit part) of refunding `amount` of an order paid partly with credits: card first.

    The card part is what the card paid and has not had back (pending and processed refunds count; failed ones
    do not); the rest of `amount` goes back as credits. An order paid without credits (or wholly with them,
    through its refund route) is all "card part" here."""
    if order.credits_applied <= 0:
        return amount, Decimal("0")
    card_back = order.refunds.exclude(status=RefundStatus.FAILED).filter(to_credits=False).aggregate(s=Sum("amount"))
    card_left = max(order.amount_due - (card_back["s"] or Decimal("0")), Decimal("0"))
    card = min(amount, card_left)
    return card, amount - card


def _order_refund_parts(order: Order, amount: Decimal, key: str) -> list[RefundPart]:
    """An order paid partly with credits gets up to two refunds, split by `refund_split` (card first): the card part
    under `key` through the provider, the credit part under `key:credits` back as credits. The host's share is taken
    from the card part first."""
    host_left = min(amount, max(order.host_earning - _host_refunded(order), Decimal("0")))
    card, credit = refund_split(order, amount)
    parts: list[RefundPart] = []
    for part, to_credits in ((card, False), (credit, True)):
        if part <= 0:
            continue
        host_amount = min(part, host_left)
        host_left -= host_amount
        part_key = key if not parts else f"{key}:credits"
        parts.append((part, part_key, {"host_amount": host_amount, "to_credits": to_credits}))
    return parts


ORDER_REFUNDS = RefundKind(
    model=Refund,
    parent="order",
    paid_total=lambda order: order.total,
    action="refund.created",
    submit=lambda refund_id: signals.refund_due.send(sender=Refund, refund_id=refund_id),
    parts=_order_refund_parts,
    after=reversals_plan,
    audited_fields=("to_credits",),
)


def _refund_open(order: Order, *, amount: Decimal, reason: str, key: str, actor: User | None = None) -> Refund:
    """Record a refund on a locked, settled order and send it to the provider after commit (once per key).

    The card part and the credit part of an order paid partly with credits are two refunds
    (`_order_refund_parts`); the first is returned."""
    refund: Refund = refund_open(ORDER_REFUNDS, order, amount=amount, reason=reason, key=key, actor=actor)
    return refund


def refund_create(
    *,
    order_id: uuid.UUID,
    amount: Decimal | None = None,
    reason: str,
    actor: User | None = None,
    idempotency_key: str | None = None,
) -> Refund:
    """Refund a paid order fully (amount None) or partly; a repeated key returns the first refund."""
    key = idempotency_key or f"{reason}:{order_id}:{uuid.uuid4().hex}"
    try:
        with transaction.atomic():
            existing = Refund.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return existing
            order = Order.objects.select_for_update().select_related("user").get(id=order_id)
            if order.status not in SETTLED:
                raise BusinessRuleError("Only a paid order can be refunded.", code=PaymentErrorCode.ORDER_NOT_PAID)
            amount = order.total - order.amount_refunded if amount is None else amount
            refund = _refund_open(order, amount=amount, reason=reason, key=key, actor=actor)
            if order.amount_refunded >= order.total and order.ticket_id:
                ticket = Ticket.objects.select_for_update().get(id=order.ticket_id)
                ticket_cancel(ticket=ticket, reason=reason, actor=actor, status=TicketStatus.REFUNDED)
    except IntegrityError:
        return Refund.objects.get(idempotency_key=key)
    return refund


def refund_submit(*, refund_id: uuid.UUID | str) -> str:
    """Send a pending refund to the provider with its idempotency key (a retry never pays twice)."""
    refund = Refund.objects.select_related("order").get(id=refund_id)
    if refund.status != RefundStatus.PENDING or refund.provider_refund_id:
        return refund.status
    order = refund.order
    # Paid with LoopPay credits (wholly, or this refund is the credit part): the credits go back, not to a card.
    route = credits_route() if refund.to_credits else refund_route_for(order)
    result = (route or get_provider(order.provider).refund)(
        order, amount_minor=to_minor(refund.amount, order.currency), idempotency_key=refund.idempotency_key
    )
    Refund.objects.filter(id=refund.id, provider_refund_id="").update(provider_refund_id=result.provider_refund_id)
    if result.state != "pending":
        return refund_apply_state(refund_id=refund.id, state=result.state)
    return "pending"


def refund_apply_state(*, refund_id: uuid.UUID, state: str, provider_refund_id: str = "") -> str:
    """pending -> processed | failed, once. A failed refund gives its amount back to the refundable total."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("order").get(id=refund_id)
        if refund.status != RefundStatus.PENDING:
            return refund.status
        refund.status = state
        if provider_refund_id and not refund.provider_refund_id:
            refund.provider_refund_id = provider_refund_id
        refund.processed_at = timezone.now()
        refund.save(update_fields=["status", "provider_refund_id", "processed_at"])
        if state == RefundStatus.FAILED:
            order = Order.objects.select_for_update().get(id=refund.order_id)
            order.amount_refunded -= refund.amount
            order.status = refunded_status(order.amount_refunded, order.total)
            order.save(update_fields=["amount_refunded", "status", "updated_at"])
        audit_record(action=f"refund.{state}", obj=refund, data={"order_id": str(refund.order_id)})
        if state == RefundStatus.PROCESSED:
            send_after_commit(signals.refund_processed, refund_id=refund.id)
    return state


def _attendee_refund_amount(order: Order) -> Decimal:
    if get_settings().REFUND_PLATFORM_FEE:
        return order.total - order.amount_refunded
    return max(min(order.host_earning - _host_refunded(order), order.total - order.amount_refunded), Decimal("0"))


def order_cancel(*, user: User, order_id: uuid.UUID) -> Order:
    """The buyer cancels: a pending order lets its seats go; a paid one is refunded until the cut-off."""
    order = Order.objects.filter(id=order_id, user=user).select_related("event").first()
    if order is None:
        raise NotFound("Order not found.", code=PaymentErrorCode.ORDER_NOT_FOUND)
    if order.status == OrderStatus.PENDING:
        return order_cancel_pending(user=user, order_id=order.id)
    if order.status not in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED) or order.ticket_id is None:
        raise BusinessRuleError(
            f"This order is {order.status}; there is nothing to cancel.", code=PaymentErrorCode.ORDER_NOT_CANCELLABLE
        )
    if timezone.now() >= refund_cutoff(order.event):
        raise RefundWindowClosed(
            details={"refund_cutoff": refund_cutoff(order.event).isoformat()},
        )
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("user").get(id=order.id)
        ticket = (
            Ticket.objects.select_for_update().filter(id=order.ticket_id, status=TicketStatus.VALID).first()
            if order.ticket_id is not None
            else None
        )
        if ticket is None:
            raise BusinessRuleError("This ticket is no longer valid.", code=PaymentErrorCode.ORDER_NOT_CANCELLABLE)
        ticket_cancel(ticket=ticket, reason="attendee_cancelled", actor=user, status=TicketStatus.REFUNDED)
        amount = _attendee_refund_amount(order)
        if amount > 0:
            _refund_open(order, amount=amount, reason="attendee_cancelled", key=f"cancel:{order.id}", actor=user)
        audit_record(action="order.cancelled", actor=user, obj=order, data={"refund": str(amount)})
    order.refresh_from_db()
    return order


def event_orders_refund(*, event_id: uuid.UUID) -> int:
    """A cancelled event: release every hold, refund every paid order in full and void its ticket."""
    for order_id in Order.objects.filter(event_id=event_id, status=OrderStatus.PENDING).values_list("id", flat=True):
        order_release(order_id=order_id, reason="event cancelled")
    refunded = 0
    paid = Order.objects.filter(event_id=event_id, status__in=[OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED])
    for order_id in paid.values_list("id", flat=True):
        with transaction.atomic():
            order = Order.objects.select_for_update().select_related("user").get(id=order_id)
            if order.ticket_id:
                ticket = Ticket.objects.select_for_update().get(id=order.ticket_id)
                ticket_cancel(ticket=ticket, reason="event_cancelled", status=TicketStatus.REFUNDED)
            if order.total > order.amount_refunded:
                _refund_open(
                    order,
                    amount=order.total - order.amount_refunded,
                    reason="event_cancelled",
                    key=f"event-cancelled:{order.id}",
                )
                refunded += 1
    return refunded
