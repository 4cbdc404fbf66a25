"""Reconciliation: retry stuck webhooks and refunds, sweep cancelled events, ask providers about stale orders."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from loopin.events.models import EventStatus
from loopin.payments.models import (
    Order,
    OrderStatus,
    PaymentEvent,
    Refund,
    RefundStatus,
)
from loopin.payments.services.confirmation import payment_confirm, payment_fail
from loopin.payments.services.provider_sweep import provider_status_sweep, stale_unpaid
from loopin.payments.services.refunds import event_orders_refund
from loopin.payments.services.webhooks import payment_event_process
from loopin.payments.signals import refund_due


def payment_events_retry(*, older_than_minutes: int = 2, limit: int = 500) -> int:
    """Stored webhooks whose processing task was lost (a worker crash, a dropped message) are applied now."""
    stale = PaymentEvent.objects.filter(
        processed_at__isnull=True, received_at__lte=timezone.now() - timedelta(minutes=older_than_minutes)
    ).order_by("received_at")
    ids = list(stale.values_list("id", flat=True)[:limit])
    for payment_event_id in ids:
        payment_event_process(payment_event_id=payment_event_id)
    return len(ids)


def refunds_resubmit(*, older_than_minutes: int = 10) -> int:
    """Refunds never handed to the provider (a lost task) are sent again, with their idempotency key."""
    stale = Refund.objects.filter(
        status=RefundStatus.PENDING,
        provider_refund_id="",
        created_at__lte=timezone.now() - timedelta(minutes=older_than_minutes),
    ).values_list("id", flat=True)[:200]
    for refund_id in stale:
        refund_due.send(sender=Refund, refund_id=refund_id)
    return len(stale)


def cancelled_events_sweep() -> int:
    """Paid orders of cancelled events that were not refunded (a lost signal or task) are refunded now."""
    event_ids = (
        Order.objects.filter(
            event__status=EventStatus.CANCELLED, status__in=[OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED]
        )
        .values_list("event_id", flat=True)
        .distinct()
    )
    return sum(event_orders_refund(event_id=event_id) for event_id in list(event_ids)[:50])


def orders_reconcile(*, older_than_minutes: int | None = None, limit: int = 200) -> dict[str, int]:
    """Ask the provider about orders left unpaid, so a lost webhook loses nothing."""
    unpaid = [OrderStatus.PENDING, OrderStatus.EXPIRED, OrderStatus.FAILED, OrderStatus.CANCELLED]
    return provider_status_sweep(
        stale_unpaid(Order.objects.all(), statuses=unpaid, older_than_minutes=older_than_minutes, limit=limit),
        confirm=lambda order_id, **paid: payment_confirm(order_id=order_id, **paid),
        fail=lambda order_id, reason: payment_fail(order_id=order_id, reason=reason),
    )
