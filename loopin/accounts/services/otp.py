"""One-time codes by SMS: request (with send limits), verify/consume, and verified phone leads."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

import structlog
from django.db import IntegrityError, transaction
from django.utils import timezone

from loopin.accounts import tasks
from loopin.accounts.error_codes import AccountErrorCode
from loopin.accounts.models import (
    SIGN_IN_PURPOSES,
    OtpCode,
    OtpFailure,
    OtpPurpose,
    PhoneLead,
    SendStatus,
    User,
)
from loopin.accounts.otp import otp_generate, otp_hash, otp_matches, otp_seal
from loopin.accounts.services.otp_budget import guess_budget_charge, guess_budget_check
from loopin.accounts.services.otp_send import otp_dispatch
from loopin.accounts.services.sessions import SignIn, _suspended, session_start
from loopin.audit.services import audit_record
from loopin.core import ratelimit
from loopin.core.errors import (
    BusinessRuleError,
    NotFound,
    PermissionDenied,
    RateLimited,
)
from loopin.core.settings import get_settings

log = structlog.get_logger("loopin.accounts")


R = TypeVar("R")


@dataclass
class OtpRequestResult:
    code_id: uuid.UUID
    user_exists: bool


def _window_retry(oldest: datetime, window: timedelta) -> int:
    return int((oldest + window - timezone.now()).total_seconds()) + 1


def _budget_exceeded(recent: list[datetime]) -> RateLimited | None:
    """The per-number SMS budget (cooldown, per hour, per day) against `recent` send times, newest first."""
    s = get_settings()
    now = timezone.now()
    if recent and (now - recent[0]).total_seconds() < s.OTP_RESEND_COOLDOWN_SECONDS:
        return RateLimited(
            "Please wait before asking for another code.",
            scope="otp_resend_cooldown",
            retry_after=_window_retry(recent[0], timedelta(seconds=s.OTP_RESEND_COOLDOWN_SECONDS)),
        )
    last_hour = [t for t in recent if t >= now - timedelta(hours=1)]
    if len(last_hour) >= s.OTP_MAX_SENDS_PER_HOUR:
        return RateLimited(
            "Too many codes requested for this number this hour.",
            scope="otp_sends_hour",
            retry_after=_window_retry(last_hour[-1], timedelta(hours=1)),
        )
    if len(recent) >= s.OTP_MAX_SENDS_PER_DAY:
        return RateLimited(
            "Too many codes requested for this number today.",
            scope="otp_sends_day",
            retry_after=_window_retry(recent[-1], timedelta(days=1)),
        )
    return None


def _codes_sent(phone_number: str) -> list[datetime]:
    since = timezone.now() - timedelta(days=1)
    return list(
        OtpCode.objects.filter(lead__phone_number=phone_number, created_at__gte=since)
        .exclude(send_status=SendStatus.FAILED)
        .values_list("created_at", flat=True)
    )


def _check_send_limits(lead: PhoneLead) -> None:
    since = timezone.now() - timedelta(days=1)
    counted = lead.codes.exclude(send_status=SendStatus.FAILED).filter(created_at__gte=since)
    exceeded = _budget_exceeded(list(counted.order_by("-created_at").values_list("created_at", flat=True)))
    if exceeded is not None:
        raise exceeded


def sms_budget_allows(*, phone_number: str, other_sends: list[datetime], ip: str | None) -> bool:
    """Whether one more text (not a code) to this number fits the budgets codes are sent under: the number's
    (cooldown, OTP_MAX_SENDS_PER_HOUR, OTP_MAX_SENDS_PER_DAY, counting the codes sent to it and `other_sends`,
    its other texts of the last day) and the sender's IP (OTP_IP_SENDS_PER_HOUR, the same counter as codes).

    The IP's limit raises RateLimited (the sender is told); a spent number answers False, so the caller can
    hold the text back without telling the sender anything about that number. Codes count their own sends
    only: other texts never stop a person from signing in.
    """
    s = get_settings()
    recent = sorted([*_codes_sent(phone_number), *other_sends], reverse=True)
    if _budget_exceeded(recent) is not None:
        return False
    if ip:
        ratelimit.hit("otp_send_ip", ip, ratelimit.rate(f"{s.OTP_IP_SENDS_PER_HOUR}/hour"))
    return True


def _locked_lead(phone_number: str, *, create: bool) -> PhoneLead | None:
    if create:
        try:
            with transaction.atomic():
                PhoneLead.objects.get_or_create(phone_number=phone_number)
        except IntegrityError:
            pass  # created by a concurrent request; the locked read below finds it
    return PhoneLead.objects.select_for_update().filter(phone_number=phone_number).first()


def otp_request(*, phone_number: str, purpose: str, ip: str | None = None) -> OtpRequestResult:
    """Issue a new code for a phone (replacing any earlier one) and send it after commit."""
    s = get_settings()
    user = User.objects.filter(phone_number=phone_number).only("id", "is_suspended").first()
    user_exists = user is not None
    if purpose in (OtpPurpose.LOGIN, OtpPurpose.DELETE_ACCOUNT) and not user_exists:
        raise NotFound("No account uses this number: please sign up first.", code=AccountErrorCode.USER_NOT_FOUND)
    if user is not None and user.is_suspended:
        raise _suspended()
    if ip:
        ratelimit.hit("otp_send_ip", ip, ratelimit.rate(f"{s.OTP_IP_SENDS_PER_HOUR}/hour"))
    code = otp_generate()
    with transaction.atomic():
        lead = _locked_lead(phone_number, create=True)
        assert lead is not None
        _check_send_limits(lead)
        now = timezone.now()
        lead.codes.filter(consumed_at__isnull=True, voided_at__isnull=True).update(voided_at=now)
        otp = OtpCode(
            lead=lead,
            purpose=purpose,
            expires_at=now + timedelta(seconds=s.OTP_TTL_SECONDS),
            requested_ip=_valid_ip(ip),
        )
        otp.code_hash = otp_hash(code_id=otp.id, phone_number=phone_number, code=code)
        otp.save()
        lead.send_count += 1
        lead.last_requested_at = now
        lead.save(update_fields=["send_count", "last_requested_at"])
        audit_record(action="otp.sent", obj=lead, ip=ip, data={"purpose": purpose})
        sealed = otp_seal(code)
        if not s.sms_send_sync:
            transaction.on_commit(lambda: tasks.send_otp_sms.delay(str(otp.id), sealed), robust=True)
    if s.sms_send_sync:
        otp_dispatch(code_id=otp.id, sealed=sealed, final_attempt=True)
    return OtpRequestResult(code_id=otp.id, user_exists=user_exists)


def _valid_ip(ip: str | None) -> str | None:

    try:
        return str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:
        return None


def otp_verify(
    *, phone_number: str, code: str, purpose: str, ip: str | None = None, user_agent: str = "", app_token: bool = False
) -> SignIn:
    """Check a code; on success create or load the user and start a session. Exactly once per code.

    `app_token`: the session is the mobile app's (its dialect): see `session_start`."""
    s = get_settings()
    if ip:
        ratelimit.hit("otp_verify_ip", ip, ratelimit.rate(f"{s.OTP_IP_VERIFICATIONS_PER_HOUR}/hour"))
    failure: Exception | None = None
    with transaction.atomic():
        lead = _locked_lead(phone_number, create=False)
        if lead is None:
            raise BusinessRuleError("Request a code for this number first.", code=AccountErrorCode.OTP_NOT_FOUND)
        now = timezone.now()
        otp = _active_code(lead, purposes=SIGN_IN_PURPOSES, ip=ip, now=now)
        user = User.objects.filter(phone_number=phone_number).first()
        if purpose == OtpPurpose.LOGIN and user is None:
            raise NotFound("No account uses this number: please sign up first.", code=AccountErrorCode.USER_NOT_FOUND)
        failure = _otp_check(otp, lead=lead, phone_number=phone_number, code=code, ip=ip, now=now)
        if failure is None:
            if user is not None and not user.is_active:
                raise PermissionDenied("This account is disabled.", code=AccountErrorCode.ACCOUNT_DISABLED)
            if user is not None and user.is_suspended:
                raise _suspended()
            OtpCode.objects.filter(id=otp.id).update(consumed_at=now)
            created = user is None
            user = _verify_lead(lead, user=user, now=now)
            audit_record(action="otp.verified", actor=user, obj=lead, ip=ip, data={"purpose": purpose})
            sign_in = session_start(user=user, ip=ip, user_agent=user_agent, app_token=app_token)
            sign_in.created = created
            return sign_in
    assert failure is not None
    raise failure


def _active_code(lead: PhoneLead, *, purposes: tuple[str, ...], ip: str | None, now: datetime) -> OtpCode:
    """The phone's live code for one of `purposes`, if the wrong-code budgets allow a try (lead locked)."""
    guess_budget_check(lead, ip=ip, now=now)
    otp = (
        lead.codes.filter(consumed_at__isnull=True, voided_at__isnull=True, purpose__in=purposes)
        .order_by("-created_at")
        .first()
    )
    if otp is None:
        raise BusinessRuleError(
            "There is no active code for this number. Request a new one.", code=AccountErrorCode.OTP_NOT_FOUND
        )
    return otp


def _otp_check(
    otp: OtpCode, *, lead: PhoneLead, phone_number: str, code: str, ip: str | None, now: datetime
) -> BusinessRuleError | None:
    """Compare a code (lead locked). A wrong or expired code is recorded and its error returned, to be
    raised after the transaction commits so the count sticks; None means it matched (not yet consumed)."""
    if otp.expires_at <= now:
        OtpCode.objects.filter(id=otp.id).update(voided_at=now)
        return BusinessRuleError("This code has expired. Request a new one.", code=AccountErrorCode.OTP_EXPIRED)
    if otp_matches(code_id=otp.id, phone_number=phone_number, code=code, stored_hash=otp.code_hash):
        return None
    otp.attempts += 1
    OtpFailure.objects.create(lead=lead)
    guess_budget_charge(lead, ip=ip, now=now)
    left = get_settings().OTP_MAX_ATTEMPTS - otp.attempts
    if left <= 0:
        OtpCode.objects.filter(id=otp.id).update(attempts=otp.attempts, voided_at=now)
        audit_record(action="otp.locked", obj=lead, ip=ip)
        return BusinessRuleError(
            "Too many wrong tries: this code no longer works. Request a new one.", code=AccountErrorCode.OTP_LOCKED
        )
    OtpCode.objects.filter(id=otp.id).update(attempts=otp.attempts)
    audit_record(action="otp.failed", obj=lead, ip=ip, data={"attempts_left": left})
    return BusinessRuleError(
        "That code is not right.", code=AccountErrorCode.OTP_INVALID, details={"attempts_left": left}
    )


def otp_consume(*, phone_number: str, code: str, purpose: str, then: Callable[[], R], ip: str | None = None) -> R:
    """Check a code sent for `purpose` and, in one transaction, consume it and run `then()`.

    The limits of sign-in apply (per-IP, per-code and the wrong-code budgets). If `then()` raises, the code
    stays unused. A wrong or expired code is recorded and raised after commit, so the count sticks.
    """
    s = get_settings()
    if ip:
        ratelimit.hit("otp_verify_ip", ip, ratelimit.rate(f"{s.OTP_IP_VERIFICATIONS_PER_HOUR}/hour"))
    with transaction.atomic():
        lead = _locked_lead(phone_number, create=False)
        if lead is None:
            raise BusinessRuleError("Request a code first.", code=AccountErrorCode.OTP_NOT_FOUND)
        now = timezone.now()
        otp = _active_code(lead, purposes=(purpose,), ip=ip, now=now)
        failure = _otp_check(otp, lead=lead, phone_number=phone_number, code=code, ip=ip, now=now)
        if failure is None:
            OtpCode.objects.filter(id=otp.id).update(consumed_at=now)
            audit_record(action="otp.confirmed", obj=lead, ip=ip, data={"purpose": purpose})
            return then()
    raise failure


def _verify_lead(lead: PhoneLead, *, user: User | None, now: datetime, by: User | None = None) -> User:
    if user is None:
        user = User.objects.create_user(phone_number=lead.phone_number, is_verified=True)
        audit_record(action="user.created", actor=by or user, obj=user, subject=user)
    elif not user.is_verified:
        user.is_verified = True
        user.save(update_fields=["is_verified", "updated_at"])
    changed = []
    if lead.verified_at is None:
        lead.verified_at = now
        changed.append("verified_at")
    if lead.user_id != user.id:
        lead.user = user
        changed.append("user")
    if by is not None:
        lead.verified_manually_by = by
        changed.append("verified_manually_by")
    if changed:
        lead.save(update_fields=changed)
    return user


def lead_verify_manually(*, lead_id: uuid.UUID, staff: User) -> User:
    """Staff verify a lead by hand: the user is created exactly as a code verification would."""
    with transaction.atomic():
        lead = PhoneLead.objects.select_for_update().get(id=lead_id)
        user = User.objects.filter(phone_number=lead.phone_number).first()
        user = _verify_lead(lead, user=user, now=timezone.now(), by=staff)
        lead.codes.filter(consumed_at__isnull=True, voided_at__isnull=True).update(voided_at=timezone.now())
        audit_record(action="lead.verified_manually", actor=staff, obj=lead, subject=user)
    return user
