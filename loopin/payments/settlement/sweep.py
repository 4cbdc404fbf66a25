"""The sweep: failed transfers and reversals are retried, and ones whose task was lost are posted again."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from loopin.payments.models import (
    ReversalStatus,
    Settlement,
    SettlementMethod,
    SettlementReversal,
    SettlementStatus,
)
from loopin.payments.settlement.reversals import reversal_submit
from loopin.payments.settlement.transfers import settlement_transfer

MAX_ATTEMPTS = 8

# the sweep


def settlements_retry(*, stale_after: timedelta = timedelta(minutes=10)) -> dict[str, int]:
    """Retry failed transfers and reversals (up to MAX_ATTEMPTS each) and ones whose task was lost."""
    stale = timezone.now() - stale_after
    transfers = Settlement.objects.filter(method=SettlementMethod.TRANSFER, attempts__lt=MAX_ATTEMPTS).filter(
        Q(status=SettlementStatus.FAILED)
        | Q(status=SettlementStatus.PENDING, created_at__lt=stale)
        | Q(status=SettlementStatus.SENDING, claimed_at__lt=stale)
    )
    done = {"transfers": 0, "reversals": 0}
    for sid in transfers.values_list("id", flat=True):
        result = settlement_transfer(settlement_id=sid, reclaim_before=stale)
        done["transfers"] += result == SettlementStatus.TRANSFERRED
    reversals = SettlementReversal.objects.filter(
        settlement__status=SettlementStatus.TRANSFERRED, attempts__lt=MAX_ATTEMPTS
    ).filter(Q(status=ReversalStatus.FAILED) | Q(status=ReversalStatus.PENDING, created_at__lt=stale))
    for rid in reversals.values_list("id", flat=True):
        done["reversals"] += reversal_submit(reversal_id=rid) == ReversalStatus.REVERSED
    return done
