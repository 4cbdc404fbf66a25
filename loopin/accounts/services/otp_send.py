"""Sending one code by SMS (the worker's half of `otp_request`, in `accounts.send_otp_sms`, or inline)."""

from __future__ import annotations

import uuid

import structlog
from django.utils import timezone

from loopin.accounts.error_codes import AccountErrorCode
from loopin.accounts.models import OtpCode, OtpPurpose, PhoneLead, SendStatus
from loopin.accounts.otp import otp_unseal
from loopin.accounts.sms import SmsSendError, get_sms_backend
from loopin.audit.services import audit_record
from loopin.core.errors import ServiceUnavailable
from loopin.core.settings import get_settings

log = structlog.get_logger("loopin.accounts")


def otp_dispatch(*, code_id: uuid.UUID | str, sealed: str, final_attempt: bool) -> str:
    """Send one code by SMS. Returns 'sent', 'skipped' (already sent, used or void) or raises.

    A failure on the final attempt marks the code failed and void: it never reached the user, so it
    does not count against their cooldown or hourly limits. Earlier failures raise for a retry.
    """
    otp = OtpCode.objects.select_related("lead").filter(id=code_id).first()
    if otp is None or otp.send_status == SendStatus.SENT or otp.consumed_at or otp.voided_at:
        return "skipped"
    code = otp_unseal(sealed)
    if code is None:
        return "skipped"  # the code expired before a worker got to it
    minutes = get_settings().OTP_TTL_SECONDS // 60
    if otp.purpose == OtpPurpose.DELETE_ACCOUNT:
        body = f"Your Loopin account deletion code is {code}. It expires in {minutes} minutes. Never share it."
    else:
        body = f"Your Loopin code is {code}. It expires in {minutes} minutes. Never share it."
    try:
        message_id = get_sms_backend().send(to=otp.lead.phone_number, body=body)
    except SmsSendError as exc:
        if final_attempt or exc.permanent:
            now = timezone.now()
            OtpCode.objects.filter(id=otp.id).update(
                send_status=SendStatus.FAILED, send_error=str(exc)[:255], voided_at=now
            )
            PhoneLead.objects.filter(id=otp.lead_id).update(
                last_send_status=SendStatus.FAILED, last_send_error=str(exc)[:255]
            )
            audit_record(action="otp.send_failed", obj=otp.lead, data={"error": str(exc)[:255]})
            log.warning("sms_send_failed", code_id=str(otp.id), error=str(exc))
            raise ServiceUnavailable(
                "We could not send the SMS right now. Please try again in a moment.",
                code=AccountErrorCode.SMS_UNAVAILABLE,
                details={"dependency": "sms"},
                retry_after=30,
            ) from None
        raise
    OtpCode.objects.filter(id=otp.id).update(send_status=SendStatus.SENT, provider_message_id=message_id[:64])
    PhoneLead.objects.filter(id=otp.lead_id).update(last_send_status=SendStatus.SENT, last_send_error="")
    return "sent"
