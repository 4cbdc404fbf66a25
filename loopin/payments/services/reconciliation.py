"""Reconciliation: retry stuck webhooks and refunds, sweep cancelled events, ask providers about stale orders."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from loopin.core.errors import BusinessRuleError
from loopin.core.settings import get_settings
from loopin.events.models import EventStatus
from loopin.payments.errors import ProviderUnavailable
from loopin.payments.models import (
    Order,
    OrderStatus,
    PaymentEvent,
    Refund,
    RefundStatus,
)
from loopin.payments.providers import get_provider
from loopin.payments.services.confirmation import payment_confirm, payment_fail
from loopin.payments.services.refunds import event_orders_refund
from loopin.payments.services.webhooks import payment_event_process


def payment_events_retry(*, older_than_minutes: int = 2, limit: int = 500) -> int:
    """Stored webhooks whose processing task was lost (a worker crash, a dropped message) are applied now."""
    stale = PaymentEvent.objects.filter(
        processed_at__isnull=True, received_at__lte=timezone.now() - timedelta(minutes=older_than_minutes)
    ).order_by("received_at")
    ids = list(stale.values_list("id", flat=True)[:limit])
    for event_id in ids:
        payment_event_process(payment_event_id=event_id)
    return len(ids)


def refunds_resubmit(*, older_than_minutes: int = 10) -> int:
    """Refunds never handed to the provider (a lost task) are sent again, with their idempotency key."""
    from loopin.payments.tasks import submit_refund

    stale = Refund.objects.filter(
        status=RefundStatus.PENDING,
        provider_refund_id="",
        created_at__lte=timezone.now() - timedelta(minutes=older_than_minutes),
    ).values_list("id", flat=True)[:200]
    for refund_id in stale:
        submit_refund.delay(str(refund_id))
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
    minutes = older_than_minutes if older_than_minutes is not None else get_settings().PAYMENT_RECONCILE_AFTER_MINUTES
    now = timezone.now()
    candidates = (
        Order.objects.filter(
            status__in=[OrderStatus.PENDING, OrderStatus.EXPIRED, OrderStatus.FAILED, OrderStatus.CANCELLED],
            created_at__lte=now - timedelta(minutes=minutes),
            created_at__gte=now - timedelta(days=1),
        )
        .exclude(provider_order_id="")
        .exclude(provider="sandbox")
        .order_by("created_at")[:limit]
    )
    counts = {"asked": 0, "paid": 0, "failed": 0, "errors": 0}
    for order in candidates:
        counts["asked"] += 1
        try:
            state = get_provider(order.provider).fetch_status(order)
        except (ProviderUnavailable, BusinessRuleError):
            counts["errors"] += 1
            continue
        if state.state == "paid":
            payment_confirm(
                order_id=order.id,
                payment_id=state.payment_id,
                provider=order.provider,
                amount_minor=state.amount_minor,
                currency=state.currency,
                via="reconcile",
            )
            counts["paid"] += 1
        elif state.state == "failed" and payment_fail(order_id=order.id, reason=state.reason):
            counts["failed"] += 1
    return counts
