"""Checkout attempts, for an `Order` and a `Charge` alike. A provider that refuses a checkout id it has seen
(PayU's txnid) declares `new_txnid_per_checkout`: each time an open payable is asked for again it gets a new
attempt (`checkout_attempt` + 1) and a new id. A provider's `order_id_bounds(id)` names the range of payable ids
an id of its can belong to, so a payment on any attempt finds its payable; only the current attempt's failure
fails it (the buyer may still pay the current checkout)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from loopin.payments.providers import get_provider


def new_checkout_per_attempt(provider: str) -> bool:
    """Whether this provider needs a new checkout id each time an open payable is asked for again."""
    return get_provider(provider).new_txnid_per_checkout


def by_checkout_attempt(queryset: QuerySet[Any], *, provider: str, provider_order_id: str) -> Any | None:
    """The one payable of `queryset` an earlier attempt's checkout id names (None: none, or not one of ours)."""
    bounds = get_provider(provider).order_id_bounds(provider_order_id) if provider_order_id else None
    if bounds is None:
        return None
    found = list(queryset.filter(provider=provider, id__gte=bounds[0], id__lte=bounds[1])[:2])
    return found[0] if len(found) == 1 else None


def is_earlier_attempt(*, current: str, reported: str) -> bool:
    """A report about another checkout id than the payable's current one (events stored before attempts were
    counted name none: they are about the current one)."""
    return bool(reported and current and reported != current)
