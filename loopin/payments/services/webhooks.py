"""Provider webhooks: stored once, then applied to orders and refunds."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from loopin.core.errors import BusinessRuleError
from loopin.core.logging import get_logger
from loopin.payments.charge_models import Charge
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.models import (
    Order,
    OrderStatus,
    PaymentEvent,
    Refund,
)
from loopin.payments.providers import get_provider
from loopin.payments.providers.base import (
    PAYMENT_FAILED,
    PAYMENT_SUCCEEDED,
    REFUND_FAILED,
    REFUND_PROCESSED,
    Notification,
)
from loopin.payments.services.attempts import by_checkout_attempt, is_earlier_attempt
from loopin.payments.services.charge_webhooks import charge_event_apply, charge_for_notification
from loopin.payments.services.confirmation import payment_confirm, payment_fail
from loopin.payments.services.refunds import refund_apply_state
from loopin.payments.signals import payment_event_stored

log = get_logger("loopin.payments")


def _refund_match(key: str, provider_refund_id: str) -> Q | None:
    match = Q(idempotency_key=key) if key else None
    if provider_refund_id:
        by_id = Q(provider_refund_id=provider_refund_id)
        match = by_id if match is None else match | by_id
    return match


def _order_for_notification(provider: str, note: Notification) -> Order | None:
    if note.provider_order_id:
        order = Order.objects.filter(provider=provider, provider_order_id=note.provider_order_id).first()
        if order is None:  # paid on a checkout replaced when credits were applied: found, then reviewed
            order = Order.objects.filter(provider=provider, replaced_provider_order_id=note.provider_order_id).first()
        if order is None:  # an earlier checkout attempt whose id names the order (PayU's txnid)
            order = by_checkout_attempt(
                Order.objects.all(), provider=provider, provider_order_id=note.provider_order_id
            )
        if order is not None:
            return order
    match = _refund_match(note.refund_key, note.refund_id)
    if match is not None:
        refund = Refund.objects.filter(match).select_related("order").first()
        if refund is not None:
            return refund.order
    if note.payment_id:
        return Order.objects.filter(provider=provider, provider_payment_id=note.payment_id).first()
    return None


def webhook_receive(*, provider: str, body: bytes, headers: dict[str, str]) -> tuple[PaymentEvent, bool]:
    """Check the signature over the raw body, store the event once, and queue its processing.

    Returns the stored event and whether it is new. Once stored, the event is acknowledged (200) even when
    the broker is away: a repeat delivery of an event not yet applied queues it again, and the reconcile
    sweeper (`payment_events_retry`) applies whatever no task did.
    """
    try:
        note = get_provider(provider).parse_webhook(body, {k.lower(): v for k, v in headers.items()})
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # signed but unreadable
        raise BusinessRuleError("The webhook body could not be read.", code=PaymentErrorCode.INVALID_PAYLOAD) from exc
    order = _order_for_notification(provider, note)
    charge = charge_for_notification(provider, note) if order is None else None
    try:
        with transaction.atomic():
            payment_event = PaymentEvent.objects.create(
                provider=provider,
                event_id=note.event_id[:191],
                kind=note.kind,
                provider_type=note.provider_type[:128],
                order=order,
                charge=charge,
                payload=note.payload,
                parsed={
                    "payment_id": note.payment_id,
                    "amount": note.amount_minor,
                    "currency": note.currency,
                    "reason": note.reason[:255],
                    "refund_id": note.refund_id,
                    "refund_key": note.refund_key,
                    "provider_order_id": note.provider_order_id,
                },
            )
        created = True
    except IntegrityError:
        payment_event = PaymentEvent.objects.get(provider=provider, event_id=note.event_id[:191])
        created = False
    if payment_event.processed_at is None:
        event_id = payment_event.id
        # Queued by payments.receivers; with the broker away it stays stored for the sweeper (never a 500).
        transaction.on_commit(lambda: payment_event_stored.send(sender=PaymentEvent, payment_event_id=event_id))
    return payment_event, created


def payment_event_process(*, payment_event_id: uuid.UUID | str) -> str:
    """Apply one stored webhook (idempotent: a processed event is not applied again)."""
    with transaction.atomic():
        payment_event = PaymentEvent.objects.select_for_update().filter(id=payment_event_id).first()
        if payment_event is None or payment_event.processed_at is not None:
            return payment_event.result if payment_event else "missing"
        result = _apply(payment_event)
        payment_event.processed_at = timezone.now()
        payment_event.result = result[:255]
        payment_event.save(update_fields=["processed_at", "result"])
    return result


def _apply(payment_event: PaymentEvent) -> str:
    if payment_event.order_id is None and payment_event.charge_id is not None:
        return charge_event_apply(payment_event)
    if payment_event.order_id is None:
        return "ignored: no order"
    data = payment_event.parsed
    if payment_event.kind == PAYMENT_SUCCEEDED:
        order = payment_confirm(
            order_id=payment_event.order_id,
            payment_id=data.get("payment_id", ""),
            provider=payment_event.provider,
            amount_minor=data.get("amount"),
            currency=data.get("currency", ""),
            via="webhook",
        )
        if order.status == OrderStatus.PENDING and order.review_reason:
            return f"held for review: {order.review_reason}"
        return f"order {order.status}"
    if payment_event.kind == PAYMENT_FAILED:
        current = Order.objects.filter(id=payment_event.order_id).values_list("provider_order_id", flat=True).first()
        if is_earlier_attempt(current=current or "", reported=data.get("provider_order_id") or ""):
            return "ignored: an earlier checkout attempt"  # the current checkout may still be paid
        return (
            "order failed"
            if payment_fail(order_id=payment_event.order_id, reason=data["reason"])
            else "ignored: not pending"
        )
    if payment_event.kind in (REFUND_PROCESSED, REFUND_FAILED):
        match = _refund_match(data["refund_key"], data["refund_id"])
        refund = Refund.objects.filter(match, order_id=payment_event.order_id).first() if match else None
        if refund is None:
            return "ignored: unknown refund"
        state = "processed" if payment_event.kind == REFUND_PROCESSED else "failed"
        return "refund " + refund_apply_state(refund_id=refund.id, state=state, provider_refund_id=data["refund_id"])
    return "ignored"


def provider_return(*, provider: str, body: bytes, headers: dict[str, str]) -> Order | Charge | None:
    """The buyer's browser comes back from the provider (PayU's surl/furl POST): the same signed fields as a
    webhook, applied now rather than in a task, so the order (ticket issued) or the charge is paid or failed
    before we answer (the app asks for its status right after)."""
    event, _ = webhook_receive(provider=provider, body=body, headers=headers)
    payment_event_process(payment_event_id=event.id)
    if event.order_id:
        return Order.objects.filter(id=event.order_id).first()
    return Charge.objects.filter(id=event.charge_id).first() if event.charge_id else None
