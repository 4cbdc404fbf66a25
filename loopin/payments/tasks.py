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
def submit_refund(self, refund_id: str) -> str:  # noqa: ANN001
    """Send a refund to the provider; provider outages retry with backoff (the idempotency key stays)."""
    from loopin.payments.services import refund_submit

    try:
        return refund_submit(refund_id=refund_id)
    except ProviderUnavailable as exc:
        raise self.retry(countdown=min(2**self.request.retries * 10, 600), exc=exc) from None


@shared_task(name="payments.expire_holds", ignore_result=True)
def expire_holds() -> int:
    """Give back the seats of holds past their time (beat: every minute)."""
    from loopin.payments.services import holds_expire_due

    return holds_expire_due()


@shared_task(name="payments.reconcile", ignore_result=True)
def reconcile_orders() -> dict:
    """Ask providers about unpaid orders; resend lost refunds; refund cancelled events (beat: every 5 minutes)."""
    from loopin.payments.services import cancelled_events_sweep, orders_reconcile, refunds_resubmit

    counts = orders_reconcile()
    counts["refunds_resent"] = refunds_resubmit()
    counts["cancelled_event_refunds"] = cancelled_events_sweep()
    return counts


@shared_task(name="payments.refund_cancelled_event", ignore_result=True)
def refund_cancelled_event(event_id: str) -> int:
    """A cancelled event: refund every paid order, void the tickets, release holds."""
    from loopin.payments.services import event_orders_refund

    return event_orders_refund(event_id=event_id)
