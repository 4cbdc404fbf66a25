"""Thin tasks: call a service; each is idempotent."""

from __future__ import annotations

from celery import shared_task

from loopin.looppay.promotions import promos_expire_due
from loopin.looppay.reconciliation import ledger_reconcile


@shared_task(name="looppay.expire_promotions", ignore_result=True)  # type: ignore[untyped-decorator]
def expire_promotions() -> int:
    """Expire promotional credit past its time (beat: every 15 minutes)."""
    return promos_expire_due()


@shared_task(name="looppay.reconcile", ignore_result=True)  # type: ignore[untyped-decorator]
def reconcile_ledger() -> bool:
    """Check the ledger (beat: nightly); a run with problems alerts staff."""
    return ledger_reconcile().ok
