"""Thin tasks of the events domain: take ids, reload, call a service."""

from __future__ import annotations

from celery import shared_task

from loopin.accounts.sms import SmsSendError
from loopin.core.settings import get_settings
from loopin.events.services.phone_invitations import phone_invitation_sms_send


@shared_task(bind=True, name="events.send_phone_invitation_sms", max_retries=None, ignore_result=True)
def send_phone_invitation_sms(self, invite_id: str) -> str:
    """Send one invitation SMS; provider failures retry with backoff like sign-in codes."""
    final = self.request.retries >= get_settings().SMS_MAX_RETRIES
    try:
        return phone_invitation_sms_send(invite_id=invite_id, final_attempt=final)
    except SmsSendError as exc:
        raise self.retry(countdown=min(2**self.request.retries * 5, 120), exc=exc) from None
