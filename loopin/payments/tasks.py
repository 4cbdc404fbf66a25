"""Thin tasks: take ids, reload, call a service; each is idempotent."""

from __future__ import annotations

from celery import shared_task

from loopin.payments.errors import ProviderUnavailable


@shared_task(name="payments.process_event", ignore_result=True)
def process_payment_event(payment_event_id: str) -> str:
    """Apply one stored webhook (a processed one is skipped)."""
    from loopin.payments.services import payment_event_process

    return payment_event_process(payment_event_id=payment_event_id)


@shared_task(bind=True, name="payments.submit_refund", max_retries=8, ignore_result=True)
def submit_refund(self, refund_id: str) -> str:
    """Send a refund to the provider; provider outages retry with backoff (the idempotency key stays)."""
    from loopin.payments.services import refund_submit

    try:
        return refund_submit(refund_id=refund_id)
    except ProviderUnavailable as exc:
        raise self.retry(countdown=min(2**self.request.retries * 10, 600), exc=exc) from None


@shared_task(bind=True, name="payments.submit_charge_refund", max_retries=8, ignore_result=True)
def submit_charge_refund(self, refund_id: str) -> str:
    """Send a charge's refund to the provider; outages retry with backoff (the idempotency key stays)."""
    from loopin.payments.services.charges import charge_refund_submit

    try:
        return charge_refund_submit(refund_id=refund_id)
    except ProviderUnavailable as exc:
        raise self.retry(countdown=min(2**self.request.retries * 10, 600), exc=exc) from None


@shared_task(name="payments.expire_holds", ignore_result=True)
def expire_holds() -> int:
    """Give back the seats of holds past their time (beat: every minute)."""
    from loopin.payments.services import holds_expire_due

    return holds_expire_due()


@shared_task(name="payments.reconcile", ignore_result=True)
def reconcile_orders() -> dict:
    """Apply stored webhooks left unprocessed; ask providers about unpaid orders; resend lost refunds; refund
    cancelled events (beat: every 5 minutes)."""
    from loopin.payments.services import (
        cancelled_events_sweep,
        orders_reconcile,
        payment_events_retry,
        refunds_resubmit,
    )

    counts = {"webhooks_applied": payment_events_retry(), **orders_reconcile()}
    counts["refunds_resent"] = refunds_resubmit()
    counts["cancelled_event_refunds"] = cancelled_events_sweep()
    return counts


@shared_task(name="payments.reconcile_charges", ignore_result=True)
def reconcile_charges() -> dict:
    """Ask providers about unpaid charges; resend lost charge refunds (beat: every 5 minutes). Stored webhooks
    about charges are applied by `payments.reconcile` with every other."""
    from loopin.payments.services.charges import charge_refunds_resubmit, charges_reconcile

    return {**charges_reconcile(), "refunds_resent": charge_refunds_resubmit()}


@shared_task(name="payments.refund_cancelled_event", ignore_result=True)
def refund_cancelled_event(event_id: str) -> int:
    """A cancelled event: refund every paid order, void the tickets, release holds."""
    from loopin.payments.services import event_orders_refund

    return event_orders_refund(event_id=event_id)


@shared_task(name="payments.settle_order", ignore_result=True)
def settle_order(order_id: str) -> dict:
    """Post a paid order's transfers to its recipients' accounts (errors are recorded on the rows)."""
    from loopin.payments.settlement import order_settle

    return order_settle(order_id=order_id)


@shared_task(name="payments.reverse_settlement", ignore_result=True)
def reverse_settlement(reversal_id: str) -> str:
    """Take a refund's part back from a transfer (errors are recorded on the row)."""
    from loopin.payments.settlement import reversal_submit

    return reversal_submit(reversal_id=reversal_id)


@shared_task(name="payments.retry_settlements", ignore_result=True)
def retry_settlements() -> dict:
    """Retry failed or lost transfers and reversals (beat: every 5 minutes)."""
    from loopin.payments.settlement import settlements_retry

    return settlements_retry()
