"""Thin tasks of taking part: expire what was held and not taken in time (beat, every minute); send an invitation SMS.

Their names keep the `events.` prefix they were scheduled and queued under (config/celery.py's beat schedule).
Celery ships no type hints, hence the ignores on its decorator.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from loopin.accounts.sms import SmsSendError
from loopin.core.settings import get_settings
from loopin.participation.phone_invitations import phone_invitation_sms_send
from loopin.participation.tickets import request_holds_expire_due
from loopin.participation.waitlist import waitlist_offers_expire_due


@shared_task(name="events.expire_request_holds", ignore_result=True)  # type: ignore[untyped-decorator]
def expire_request_holds() -> int:
    """Accepted guests who did not confirm by their RSVP deadline give their held seats back (beat: every minute)."""
    return request_holds_expire_due()


@shared_task(name="events.expire_waitlist_offers", ignore_result=True)  # type: ignore[untyped-decorator]
def expire_waitlist_offers() -> int:
    """Waitlist offers not taken in time give their seats to the next in line (beat: every minute)."""
    return waitlist_offers_expire_due()


@shared_task(bind=True, name="events.send_phone_invitation_sms", max_retries=None, ignore_result=True)  # type: ignore[untyped-decorator]
def send_phone_invitation_sms(self: Any, invite_id: str) -> str:
    """Send one invitation SMS; provider failures retry with backoff like sign-in codes."""
    final = self.request.retries >= get_settings().SMS_MAX_RETRIES
    try:
        return phone_invitation_sms_send(invite_id=invite_id, final_attempt=final)
    except SmsSendError as exc:
        raise self.retry(countdown=min(2**self.request.retries * 5, 120), exc=exc) from None
