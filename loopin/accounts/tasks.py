"""Thin tasks: take ids, reload, call a service."""

from __future__ import annotations

from celery import shared_task

from loopin.accounts.services.otp_send import otp_dispatch
from loopin.accounts.sms import SmsSendError
from loopin.accounts.waitlist import waitlist_promote_due
from loopin.core.errors import ServiceUnavailable
from loopin.core.settings import get_settings


@shared_task(bind=True, name="accounts.send_otp_sms", max_retries=None, ignore_result=True)
def send_otp_sms(self, code_id: str, sealed: str) -> str:
    """Send one code; provider failures retry with exponential backoff, and the last one is recorded."""
    max_retries = get_settings().SMS_MAX_RETRIES
    final = self.request.retries >= max_retries
    try:
        return otp_dispatch(code_id=code_id, sealed=sealed, final_attempt=final)
    except ServiceUnavailable:
        return "failed"  # recorded on the code and the lead by otp_dispatch
    except SmsSendError as exc:
        raise self.retry(countdown=min(2**self.request.retries * 5, 120), exc=exc) from None


@shared_task(name="accounts.promote_waitlisted", ignore_result=True)
def promote_waitlisted() -> int:
    """Let in every waitlisted user whose time has come (beat runs this every minute; idempotent)."""
    return waitlist_promote_due()
