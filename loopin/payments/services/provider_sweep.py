"""One provider-status sweep for anything a buyer pays by card (an `Order` or a `Charge`): ask the provider
about payables left unpaid, so a lost webhook loses nothing. The caller names its payables and what confirming
or failing one means."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from loopin.core.errors import BusinessRuleError
from loopin.core.settings import get_settings
from loopin.payments.errors import ProviderUnavailable
from loopin.payments.providers import get_provider


def stale_unpaid(
    queryset: QuerySet[Any], *, statuses: Iterable[str], older_than_minutes: int | None, limit: int
) -> QuerySet[Any]:
    """Payables in `statuses` older than the reconcile delay (and younger than a day) that reached a provider."""
    minutes = older_than_minutes if older_than_minutes is not None else get_settings().PAYMENT_RECONCILE_AFTER_MINUTES
    now = timezone.now()
    return (
        queryset.filter(
            status__in=list(statuses),
            created_at__lte=now - timedelta(minutes=minutes),
            created_at__gte=now - timedelta(days=1),
        )
        .exclude(provider_order_id="")
        .exclude(provider="sandbox")
        .order_by("created_at")[:limit]
    )


def provider_status_sweep(
    payables: Iterable[Any], *, confirm: Callable[..., Any], fail: Callable[[Any, str], bool]
) -> dict[str, int]:
    """Ask each payable's provider for its status: paid -> `confirm(payable.id, ...)` (via "reconcile"),
    failed -> `fail(payable.id, reason)`; a provider that does not answer is counted, not raised."""
    counts = {"asked": 0, "paid": 0, "failed": 0, "errors": 0}
    for payable in payables:
        counts["asked"] += 1
        try:
            state = get_provider(payable.provider).fetch_status(payable)
        except (ProviderUnavailable, BusinessRuleError):
            counts["errors"] += 1
            continue
        if state.state == "paid":
            confirm(
                payable.id,
                payment_id=state.payment_id,
                provider=payable.provider,
                amount_minor=state.amount_minor,
                currency=state.currency,
                via="reconcile",
            )
            counts["paid"] += 1
        elif state.state == "failed" and fail(payable.id, state.reason):
            counts["failed"] += 1
    return counts
