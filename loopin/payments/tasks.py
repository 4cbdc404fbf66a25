"""Thin tasks: take ids, reload, call a service; each is idempotent.

Tasks import the services they run; services queue tasks through payments' signals (`payments.receivers`)."""

from __future__ import annotations

from celery import shared_task

from loopin.payments.errors import ProviderUnavailable
from loopin.payments.services.charges import charge_refund_submit, charge_refunds_resubmit, charges_reconcile
from loopin.payments.services.orders import holds_expire_due
from loopin.payments.services.reconciliation import (
    cancelled_events_sweep,
    orders_reconcile,
    payment_events_retry,
    refunds_resubmit,
)
from loopin.payments.services.refunds import event_orders_refund, refund_submit
from loopin.payments.services.webhooks import payment_event_process
from loopin.payments.settlement.reversals import reversal_submit
from loopin.payments.settlement.sweep import settlements_retry
from loopin.payments.settlement.transfers import order_settle


@shared_task(name="payments.process_event", ignore_result=True)
def process_payment_event(payment_event_id: str) -> str:
    """Apply one stored webhook (a processed one is skipped)."""
    return payment_event_process(payment_event_id=payment_event_id)


@shared_task(bind=True, name="payments.submit_refund", max_retries=8, ignore_result=True)
def submit_refund(self, refund_id: str) -> str:
    """Send a refund to the provider; provider outages retry with backoff (the idempotency key stays)."""
    try:
        return refund_submit(refund_id=refund_id)
    except ProviderUnavailable as exc:
        raise self.retry(countdown=min(2**self.request.retries * 10, 600), exc=exc) from None


@shared_task(bind=True, name="payments.submit_charge_refund", max_retries=8, ignore_result=True)
def submit_charge_refund(self, refund_id: str) -> str:
    """Send a charge's refund to the provider; outages retry with backoff (the idempotency key stays)."""
    try:
        return charge_refund_submit(refund_id=refund_id)
    except ProviderUnavailable as exc:
        raise self.retry(countdown=min(2**self.request.retries * 10, 600), exc=exc) from None


@shared_task(name="payments.expire_holds", ignore_result=True)
def expire_holds() -> int:
    """Give back the seats of holds past their time (beat: every minute)."""
    return holds_expire_due()


@shared_task(name="payments.reconcile", ignore_result=True)
def reconcile_orders() -> dict:
    """Apply stored webhooks left unprocessed; ask providers about unpaid orders; resend lost refunds; refund
    cancelled events (beat: every 5 minutes)."""
    counts = {"webhooks_applied": payment_events_retry(), **orders_reconcile()}
    counts["refunds_resent"] = refunds_resubmit()
    counts["cancelled_event_refunds"] = cancelled_events_sweep()
    return counts


@shared_task(name="payments.reconcile_charges", ignore_result=True)
def reconcile_charges() -> dict:
    """Ask providers about unpaid charges; resend lost charge refunds (beat: every 5 minutes). Stored webhooks
    about charges are applied by `payments.reconcile` with every other."""
    return {**charges_reconcile(), "refunds_resent": charge_refunds_resubmit()}


@shared_task(name="payments.refund_cancelled_event", ignore_result=True)
def refund_cancelled_event(event_id: str) -> int:
    """A cancelled event: refund every paid order, void the tickets, release holds."""
    return event_orders_refund(event_id=event_id)


@shared_task(name="payments.settle_order", ignore_result=True)
def settle_order(order_id: str) -> dict:
    """Post a paid order's transfers to its recipients' accounts (errors are recorded on the rows)."""
    return order_settle(order_id=order_id)


@shared_task(name="payments.reverse_settlement", ignore_result=True)
def reverse_settlement(reversal_id: str) -> str:
    """Take a refund's part back from a transfer (errors are recorded on the row)."""
    return reversal_submit(reversal_id=reversal_id)


@shared_task(name="payments.retry_settlements", ignore_result=True)
def retry_settlements() -> dict:
    """Retry failed or lost transfers and reversals (beat: every 5 minutes)."""
    return settlements_retry()
