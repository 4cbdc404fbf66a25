"""Thin tasks: take ids, reload, call a service; each is idempotent."""

from __future__ import annotations

from celery import shared_task

from loopin.core.settings import get_settings
from loopin.notifications.campaigns import campaign_send_batch, campaigns_start_due
from loopin.notifications.reminders import reminders_send_due
from loopin.notifications.services import push_deliver, push_sweep
from loopin.notifications.triggers import trigger_job_run, trigger_jobs_sweep


def backoff(retries: int) -> int:
    """Seconds before retry number `retries + 1`: 10, 20, 40, ... capped at 10 minutes."""
    return min(10 * 2**retries, 600)


@shared_task(bind=True, name="notifications.push", max_retries=None, ignore_result=True)
def push_notification(self, notification_id: str) -> int:
    """Push one notification to its person's devices; transient provider failures retry with backoff."""
    final = self.request.retries >= get_settings().PUSH_MAX_RETRIES
    left = push_deliver(notification_id=notification_id, final_attempt=final)
    if left and not final:
        raise self.retry(countdown=backoff(self.request.retries))
    return left


@shared_task(name="notifications.sweep_pushes", ignore_result=True)
def sweep_pushes() -> int:
    """Re-queue trigger jobs and pushes that lost their job (beat, every 5 minutes)."""
    return trigger_jobs_sweep() + push_sweep()


@shared_task(bind=True, name="notifications.run_trigger", max_retries=3, ignore_result=True)
def run_trigger(self, job_id: str) -> int:
    """Make one stored trigger's notifications; a retry is safe (per-trigger dedupe keys)."""
    try:
        return trigger_job_run(job_id=job_id)
    except Exception as exc:
        raise self.retry(countdown=backoff(self.request.retries), exc=exc) from None


@shared_task(name="notifications.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """24 h and 2 h reminders for every attendee (beat runs this every 5 minutes; idempotent)."""
    return reminders_send_due()


@shared_task(name="notifications.send_due_campaigns", ignore_result=True)
def send_due_campaigns() -> int:
    """Start every scheduled campaign whose time has come (beat, every minute)."""
    return campaigns_start_due()


@shared_task(name="notifications.campaign_batch", ignore_result=True)
def campaign_batch(campaign_id: str, after: str | None = None) -> int:
    """Send one batch of a campaign and queue the next while people remain."""
    return campaign_send_batch(campaign_id=campaign_id, after=after)
