"""Writes for accounts: phone codes, sessions and tokens, profiles, leads, interests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

import structlog
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from loopin.accounts.models import (
    SIGN_IN_PURPOSES,
    AuthSession,
    Interest,
    OtpCode,
    OtpFailure,
    OtpPurpose,
    PhoneLead,
    ProfilePicture,
    RefreshToken,
    SendStatus,
    User,
)
from loopin.accounts.otp import otp_generate, otp_hash, otp_matches, otp_seal, otp_unseal
from loopin.accounts.sms import SmsSendError, get_sms_backend
from loopin.accounts.tokens import access_token_issue, refresh_token_hash, refresh_token_new
from loopin.accounts.waitlist import waitlist_place
from loopin.audit.services import audit_record
from loopin.config.settings import get_settings
from loopin.core import hooks, ratelimit
from loopin.core.errors import (
    BusinessRuleError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServiceUnavailable,
    ValidationFailed,
)
from loopin.core.images import image_extension

log = structlog.get_logger("loopin.accounts")
R = TypeVar("R")

DEFAULT_INTERESTS = [
    "Music & Concerts",
    "Sports & Fitness",
    "Food & Dining",
    "Art & Culture",
    "Technology",
    "Travel & Adventure",
    "Business & Networking",
    "Health & Wellness",
    "Education & Learning",
    "Entertainment",
]


# ---------------------------------------------------------------- interests


def interests_ensure_defaults() -> int:
    """Create the ten default interests that are missing; return how many were created."""
    created = 0
    for position, name in enumerate(DEFAULT_INTERESTS, start=1):
        _, was_created = Interest.objects.get_or_create(
            slug=slugify(name.replace("&", "and")), defaults={"name": name, "position": position}
        )
        created += int(was_created)
    return created


# ---------------------------------------------------------------- one-time codes


@dataclass
class OtpRequestResult:
    code_id: uuid.UUID
    user_exists: bool


def _window_retry(oldest: Any, window: timedelta) -> int:
    return int((oldest + window - timezone.now()).total_seconds()) + 1


def _check_send_limits(lead: PhoneLead) -> None:
    s = get_settings()
    now = timezone.now()
    counted = lead.codes.exclude(send_status=SendStatus.FAILED).filter(created_at__gte=now - timedelta(days=1))
    recent = list(counted.order_by("-created_at").values_list("created_at", flat=True))
    if recent and (now - recent[0]).total_seconds() < s.OTP_RESEND_COOLDOWN_SECONDS:
        raise RateLimited(
            "Please wait before asking for another code.",
            scope="otp_resend_cooldown",
            retry_after=_window_retry(recent[0], timedelta(seconds=s.OTP_RESEND_COOLDOWN_SECONDS)),
        )
    last_hour = [t for t in recent if t >= now - timedelta(hours=1)]
    if len(last_hour) >= s.OTP_MAX_SENDS_PER_HOUR:
        raise RateLimited(
            "Too many codes requested for this number this hour.",
            scope="otp_sends_hour",
            retry_after=_window_retry(last_hour[-1], timedelta(hours=1)),
        )
    if len(recent) >= s.OTP_MAX_SENDS_PER_DAY:
        raise RateLimited(
            "Too many codes requested for this number today.",
            scope="otp_sends_day",
            retry_after=_window_retry(recent[-1], timedelta(days=1)),
        )
    _check_failure_limit(lead)


def _check_failure_limit(lead: PhoneLead) -> None:
    s = get_settings()
    since = timezone.now() - timedelta(days=1)
    failures = list(
        lead.failures.filter(created_at__gte=since)
        .order_by("created_at")
        .values_list("created_at", flat=True)[: s.OTP_MAX_FAILURES_PER_DAY]
    )
    if len(failures) >= s.OTP_MAX_FAILURES_PER_DAY:
        raise RateLimited(
            "Too many wrong codes for this number today.",
            scope="otp_failures_day",
            retry_after=_window_retry(failures[0], timedelta(days=1)),
        )


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
        raise NotFound("No account uses this number: please sign up first.", code="USER_NOT_FOUND")
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
            from loopin.accounts.tasks import send_otp_sms

            transaction.on_commit(lambda: send_otp_sms.delay(str(otp.id), sealed), robust=True)
    if s.sms_send_sync:
        otp_dispatch(code_id=otp.id, sealed=sealed, final_attempt=True)
    return OtpRequestResult(code_id=otp.id, user_exists=user_exists)


def _valid_ip(ip: str | None) -> str | None:
    import ipaddress

    try:
        return str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:
        return None


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
                code="SMS_UNAVAILABLE",
                details={"dependency": "sms"},
                retry_after=30,
            ) from None
        raise
    OtpCode.objects.filter(id=otp.id).update(send_status=SendStatus.SENT, provider_message_id=message_id[:64])
    PhoneLead.objects.filter(id=otp.lead_id).update(last_send_status=SendStatus.SENT, last_send_error="")
    return "sent"


@dataclass
class SignIn:
    user: User
    access_token: str
    expires_in: int
    refresh_token: str
    created: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def otp_verify(*, phone_number: str, code: str, purpose: str, ip: str | None = None, user_agent: str = "") -> SignIn:
    """Check a code; on success create or load the user and start a session. Exactly once per code."""
    s = get_settings()
    if ip:
        ratelimit.hit("otp_verify_ip", ip, ratelimit.rate(f"{s.OTP_IP_VERIFICATIONS_PER_HOUR}/hour"))
    failure: Exception | None = None
    with transaction.atomic():
        lead = _locked_lead(phone_number, create=False)
        if lead is None:
            raise BusinessRuleError("Request a code for this number first.", code="OTP_NOT_FOUND")
        otp = _active_code(lead, purposes=SIGN_IN_PURPOSES)
        now = timezone.now()
        user = User.objects.filter(phone_number=phone_number).first()
        if purpose == OtpPurpose.LOGIN and user is None:
            raise NotFound("No account uses this number: please sign up first.", code="USER_NOT_FOUND")
        failure = _otp_check(otp, lead=lead, phone_number=phone_number, code=code, ip=ip, now=now)
        if failure is None:
            if user is not None and not user.is_active:
                raise PermissionDenied("This account is disabled.", code="ACCOUNT_DISABLED")
            if user is not None and user.is_suspended:
                raise _suspended()
            OtpCode.objects.filter(id=otp.id).update(consumed_at=now)
            created = user is None
            user = _verify_lead(lead, user=user, now=now)
            audit_record(action="otp.verified", actor=user, obj=lead, ip=ip, data={"purpose": purpose})
            sign_in = session_start(user=user, ip=ip, user_agent=user_agent)
            sign_in.created = created
            return sign_in
    assert failure is not None
    raise failure


def _suspended() -> PermissionDenied:
    return PermissionDenied("This account is suspended. Contact support.", code="ACCOUNT_SUSPENDED")


def _active_code(lead: PhoneLead, *, purposes: tuple[str, ...]) -> OtpCode:
    """The phone's live code for one of `purposes`, if the daily failure cap still allows a try (lead locked)."""
    _check_failure_limit(lead)
    otp = (
        lead.codes.filter(consumed_at__isnull=True, voided_at__isnull=True, purpose__in=purposes)
        .order_by("-created_at")
        .first()
    )
    if otp is None:
        raise BusinessRuleError("There is no active code for this number. Request a new one.", code="OTP_NOT_FOUND")
    return otp


def _otp_check(
    otp: OtpCode, *, lead: PhoneLead, phone_number: str, code: str, ip: str | None, now: Any
) -> BusinessRuleError | None:
    """Compare a code (lead locked). A wrong or expired code is recorded and its error returned, to be
    raised after the transaction commits so the count sticks; None means it matched (not yet consumed)."""
    if otp.expires_at <= now:
        OtpCode.objects.filter(id=otp.id).update(voided_at=now)
        return BusinessRuleError("This code has expired. Request a new one.", code="OTP_EXPIRED")
    if otp_matches(code_id=otp.id, phone_number=phone_number, code=code, stored_hash=otp.code_hash):
        return None
    otp.attempts += 1
    OtpFailure.objects.create(lead=lead)
    left = get_settings().OTP_MAX_ATTEMPTS - otp.attempts
    if left <= 0:
        OtpCode.objects.filter(id=otp.id).update(attempts=otp.attempts, voided_at=now)
        audit_record(action="otp.locked", obj=lead, ip=ip)
        return BusinessRuleError(
            "Too many wrong tries: this code no longer works. Request a new one.", code="OTP_LOCKED"
        )
    OtpCode.objects.filter(id=otp.id).update(attempts=otp.attempts)
    audit_record(action="otp.failed", obj=lead, ip=ip, data={"attempts_left": left})
    return BusinessRuleError("That code is not right.", code="OTP_INVALID", details={"attempts_left": left})


def otp_consume(*, phone_number: str, code: str, purpose: str, then: Callable[[], R], ip: str | None = None) -> R:
    """Check a code sent for `purpose` and, in one transaction, consume it and run `then()`.

    The limits of sign-in apply (per-IP, per-code and per-phone-per-day). If `then()` raises, the code
    stays unused. A wrong or expired code is recorded and raised after commit, so the count sticks.
    """
    s = get_settings()
    if ip:
        ratelimit.hit("otp_verify_ip", ip, ratelimit.rate(f"{s.OTP_IP_VERIFICATIONS_PER_HOUR}/hour"))
    with transaction.atomic():
        lead = _locked_lead(phone_number, create=False)
        if lead is None:
            raise BusinessRuleError("Request a code first.", code="OTP_NOT_FOUND")
        otp = _active_code(lead, purposes=(purpose,))
        now = timezone.now()
        failure = _otp_check(otp, lead=lead, phone_number=phone_number, code=code, ip=ip, now=now)
        if failure is None:
            OtpCode.objects.filter(id=otp.id).update(consumed_at=now)
            audit_record(action="otp.confirmed", obj=lead, ip=ip, data={"purpose": purpose})
            return then()
    raise failure


def _verify_lead(lead: PhoneLead, *, user: User | None, now: Any, by: User | None = None) -> User:
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


# ---------------------------------------------------------------- sessions and tokens


def session_start(*, user: User, ip: str | None = None, user_agent: str = "") -> SignIn:
    s = get_settings()
    now = timezone.now()
    session = AuthSession.objects.create(
        user=user,
        created_at=now,
        last_used_at=now,
        expires_at=now + timedelta(days=s.REFRESH_TOKEN_ABSOLUTE_DAYS),
        user_agent=user_agent[:255],
    )
    refresh, refresh_hash = refresh_token_new()
    RefreshToken.objects.create(session=session, token_hash=refresh_hash, created_at=now)
    access, expires_in = access_token_issue(user_id=user.id, session_id=session.id)
    User.objects.filter(id=user.id).update(last_login=now)
    audit_record(action="auth.login", actor=user, obj=session, subject=user, ip=ip)
    return SignIn(user=user, access_token=access, expires_in=expires_in, refresh_token=refresh)


def sessions_ended(*, user_id: uuid.UUID, session_id: uuid.UUID | None, reason: str) -> None:
    """After commit, tell the listeners (realtime disconnects sockets) that sessions ended."""

    def announce() -> None:
        for fn in hooks.sessions_ended_listeners().values():
            fn(user_id=user_id, session_id=session_id, reason=reason)

    transaction.on_commit(announce, robust=True)


def _revoke(session_id: uuid.UUID, reason: str) -> int:
    revoked = AuthSession.objects.filter(id=session_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoke_reason=reason
    )
    if revoked:
        user_id = AuthSession.objects.filter(id=session_id).values_list("user_id", flat=True).first()
        sessions_ended(user_id=user_id, session_id=session_id, reason=reason)
    return revoked


def session_refresh(*, refresh_token: str, ip: str | None = None) -> SignIn:
    """Rotate a refresh token. Presenting one that was already used revokes its whole family."""
    s = get_settings()
    reuse: NotAuthenticated | None = None
    with transaction.atomic():
        token = (
            RefreshToken.objects.select_for_update()
            .select_related("session__user")
            .filter(token_hash=refresh_token_hash(refresh_token))
            .first()
        )
        if token is None:
            raise NotAuthenticated("The refresh token is not valid.", code="INVALID_REFRESH_TOKEN")
        session = token.session
        user = session.user
        now = timezone.now()
        if user.is_suspended:
            raise _suspended()
        if token.used_at is not None:
            if _revoke(session.id, "refresh_reuse"):
                audit_record(action="auth.refresh_reuse_detected", actor=user, obj=session, subject=user, ip=ip)
            reuse = NotAuthenticated(
                "This refresh token was already used; the session has been ended. Sign in again.",
                code="REFRESH_TOKEN_REUSED",
            )
        elif session.revoked_at is not None or session.expires_at <= now:
            raise NotAuthenticated("This session has ended. Sign in again.", code="SESSION_EXPIRED")
        elif session.last_used_at + timedelta(days=s.REFRESH_TOKEN_IDLE_DAYS) <= now:
            _revoke(session.id, "idle")
            reuse = NotAuthenticated("This session was idle too long. Sign in again.", code="SESSION_EXPIRED")
        elif not user.is_active:
            raise NotAuthenticated("This account is disabled.", code="ACCOUNT_DISABLED")
        else:
            RefreshToken.objects.filter(id=token.id).update(used_at=now)
            new_refresh, new_hash = refresh_token_new()
            RefreshToken.objects.create(session=session, token_hash=new_hash, created_at=now)
            AuthSession.objects.filter(id=session.id).update(last_used_at=now)
            access, expires_in = access_token_issue(user_id=user.id, session_id=session.id)
            return SignIn(user=user, access_token=access, expires_in=expires_in, refresh_token=new_refresh)
    assert reuse is not None
    raise reuse


def session_logout(*, user: User, session_id: uuid.UUID, ip: str | None = None) -> None:
    with transaction.atomic():
        if _revoke(session_id, "logout"):
            audit_record(action="auth.logout", actor=user, subject=user, ip=ip, data={"session_id": str(session_id)})


def sessions_revoke_all(*, user: User, reason: str) -> int:
    revoked = AuthSession.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoke_reason=reason
    )
    sessions_ended(user_id=user.id, session_id=None, reason=reason)
    return revoked


# ---------------------------------------------------------------- suspension


def user_suspend(*, user_id: uuid.UUID, staff: User, reason: str = "") -> bool:
    """Suspend a user: every session ends now and sign-in is refused. False if already suspended."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(id=user_id)
        if user.is_suspended:
            return False
        user.is_suspended = True
        user.save(update_fields=["is_suspended", "updated_at"])
        revoked = sessions_revoke_all(user=user, reason="suspended")
        audit_record(
            action="user.suspended", actor=staff, obj=user, subject=user, data={"reason": reason, "sessions": revoked}
        )
    return True


def user_unsuspend(*, user_id: uuid.UUID, staff: User) -> bool:
    """Lift a suspension; the user signs in again with a code. False if the user was not suspended."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(id=user_id)
        if not user.is_suspended:
            return False
        user.is_suspended = False
        user.save(update_fields=["is_suspended", "updated_at"])
        audit_record(action="user.unsuspended", actor=staff, obj=user, subject=user)
    return True


# ---------------------------------------------------------------- profiles


@dataclass
class UploadedImage:
    filename: str
    content: bytes


@dataclass
class ProfileChanges:
    """Validated profile fields; None means 'not given' (partial update)."""

    name: str | None = None
    birth_date: date | None = None
    gender: str | None = None
    bio: str | None = None
    event_interests: list[int] | None = None
    picture_urls: list[str] | None = None
    uploads: list[UploadedImage] = field(default_factory=list)
    phone_number: str | None = None


MAX_PICTURES = 6


def _active_interests(ids: list[int]) -> list[Interest]:
    found = {i.id: i for i in Interest.objects.filter(id__in=ids, is_active=True)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed.one(
            "event_interests", "INVALID_INTEREST", f"Unknown or inactive interest ids: {', '.join(map(str, missing))}."
        )
    return [found[i] for i in ids]


def _store_uploads(user: User, uploads: list[UploadedImage]) -> list[str]:
    """Write uploaded pictures to storage before the transaction; the caller deletes them on failure."""
    from django.core.files.storage import default_storage

    extensions = [image_extension(u.content, field=f"profile_pictures[{i}]") for i, u in enumerate(uploads)]
    names: list[str] = []
    try:
        for upload, extension in zip(uploads, extensions, strict=True):
            name = f"profile-pictures/{user.id}/{uuid.uuid4().hex}.{extension}"
            names.append(default_storage.save(name, ContentFile(upload.content)))
    except Exception:
        _delete_files(names)
        raise
    return names


def _replace_pictures(user: User, urls: list[str], stored: list[str]) -> None:
    total = len(urls) + len(stored)
    if not 1 <= total <= MAX_PICTURES:
        raise ValidationFailed.one(
            "profile_pictures", "PICTURE_COUNT", f"Add between 1 and {MAX_PICTURES} profile pictures."
        )
    old_files = [p.image.name for p in user.pictures.all() if p.image]
    user.pictures.all().delete()
    ProfilePicture.objects.bulk_create(
        [ProfilePicture(user=user, position=i, url=url) for i, url in enumerate(urls)]
        + [ProfilePicture(user=user, position=len(urls) + i, image=name) for i, name in enumerate(stored)]
    )
    # Files of replaced pictures are deleted only once the new ones are committed.
    transaction.on_commit(lambda: _delete_files(old_files))


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # a missing file is not worth failing a request for
            log.warning("file_delete_failed", name=name)


def _apply_profile(user: User, changes: ProfileChanges, stored: list[str]) -> list[str]:
    changed: list[str] = []
    for name in ("name", "birth_date", "gender", "bio"):
        value = getattr(changes, name)
        if value is not None and getattr(user, name) != value:
            setattr(user, name, value)
            changed.append(name)
    if changes.event_interests is not None:
        interests = _active_interests(changes.event_interests)
        user.interests.set(interests)
        changed.append("event_interests")
    if changes.picture_urls is not None or stored:
        _replace_pictures(user, changes.picture_urls or [], stored)
        changed.append("profile_pictures")
    return changed


def _is_complete(user: User) -> bool:
    return bool(user.name and user.birth_date and user.gender and user.interests.exists() and user.pictures.exists())


def profile_complete(*, user: User, changes: ProfileChanges) -> User:
    """Set every profile field; the first completion is what lets a user use the rest of the app."""
    if changes.phone_number is not None and changes.phone_number != user.phone_number:
        raise PermissionDenied("The phone number does not match the signed-in account.", code="PHONE_MISMATCH")
    stored = _store_uploads(user, changes.uploads)
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().get(id=user.id)
            changed = _apply_profile(user, changes, stored)
            first_time = user.profile_completed_at is None
            if first_time:
                user.profile_completed_at = timezone.now()
                waitlist_place(user)
            user.save()
            audit_record(
                action="profile.completed" if first_time else "profile.updated",
                actor=user,
                obj=user,
                subject=user,
                data={"fields": changed},
            )
    except Exception:
        _delete_files(stored)
        raise
    return user


def profile_update(*, user: User, changes: ProfileChanges) -> User:
    """Change some profile fields. The rules are those of completion."""
    stored = _store_uploads(user, changes.uploads)
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().get(id=user.id)
            changed = _apply_profile(user, changes, stored)
            if user.profile_completed_at is None and _is_complete(user):
                user.profile_completed_at = timezone.now()
                changed.append("profile_completed_at")
                waitlist_place(user)
            user.save()
            if changed:
                audit_record(action="profile.updated", actor=user, obj=user, subject=user, data={"fields": changed})
    except Exception:
        _delete_files(stored)
        raise
    return user
