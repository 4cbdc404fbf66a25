"""Thin tasks of the events domain: take ids, reload, call a service."""

from __future__ import annotations

from celery import shared_task

from loopin.accounts.sms import SmsSendError
from loopin.core.settings import get_settings
from loopin.events.services.phone_invitations import phone_invitation_sms_send
from loopin.participation.tickets import request_holds_expire_due
from loopin.participation.waitlist import waitlist_offers_expire_due


@shared_task(bind=True, name="events.send_phone_invitation_sms", max_retries=None, ignore_result=True)
def send_phone_invitation_sms(self, invite_id: str) -> str:
    """Send one invitation SMS; provider failures retry with backoff like sign-in codes."""
    final = self.request.retries >= get_settings().SMS_MAX_RETRIES
    try:
        return phone_invitation_sms_send(invite_id=invite_id, final_attempt=final)
    except SmsSendError as exc:
        raise self.retry(countdown=min(2**self.request.retries * 5, 120), exc=exc) from None


@shared_task(name="events.expire_request_holds", ignore_result=True)
def expire_request_holds() -> int:
    """Accepted guests who did not confirm by their RSVP deadline give their held seats back (beat: every minute)."""
    return request_holds_expire_due()


@shared_task(name="events.expire_waitlist_offers", ignore_result=True)
def expire_waitlist_offers() -> int:
    """Waitlist offers not taken in time give their seats to the next in line (beat: every minute)."""
    return waitlist_offers_expire_due()
