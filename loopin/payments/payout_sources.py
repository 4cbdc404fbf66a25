"""The registry of balances other than an event's that pay out through payout requests (the marketplace's
seller earnings, …).

A package registers its source once, in its AppConfig.ready():

    register_payout_source(PayoutSource(
        name="marketplace",
        figures=earnings.seller_payout_figures,     # (user) -> gross_earnings, refunds_total, previously_paid, amount
        on_completed=earnings.seller_payout_paid,   # (payout) -> None, inside the completing transaction, once
    ))

`figures` is read when the request is made (the request snapshots it, as an event payout does); `on_completed`
runs in the transaction that marks the payout completed (the payout row locked), so the balance is debited
exactly when and only when the payout is completed. If it raises, the payout stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from loopin.core.errors import NotFound
from loopin.payments.error_codes import PaymentErrorCode


@dataclass(frozen=True)
class PayoutSource:
    name: str
    figures: Callable[[Any], dict[str, Decimal]]
    on_completed: Callable[[Any], None]


_SOURCES: dict[str, PayoutSource] = {}


def register_payout_source(source: PayoutSource) -> None:
    """Register (or re-register, idempotently by name) a payout source."""
    _SOURCES[source.name] = source


def payout_source(name: str) -> PayoutSource:
    found = _SOURCES.get(name)
    if found is None:
        raise NotFound(f"Nothing pays out as {name!r}.", code=PaymentErrorCode.PAYOUT_SOURCE_UNKNOWN)
    return found
