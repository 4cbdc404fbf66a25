"""Thin tasks: take ids, reload, call a service; each is idempotent (documents are issued once)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from loopin.invoices.services import credit_notes_issue, invoices_issue


@shared_task(  # type: ignore[untyped-decorator]
    name="invoices.issue_for_order", ignore_result=True, autoretry_for=(OperationalError,), retry_backoff=True
)
def issue_invoices(order_id: str) -> int:
    """Issue a paid order's invoices (a repeat issues nothing)."""
    return len(invoices_issue(order_id=order_id))


@shared_task(  # type: ignore[untyped-decorator]
    name="invoices.issue_for_refund", ignore_result=True, autoretry_for=(OperationalError,), retry_backoff=True
)
def issue_credit_notes(refund_id: str) -> int:
    """Issue a processed refund's credit notes (a repeat issues nothing)."""
    return len(credit_notes_issue(refund_id=refund_id))
