"""Account deletion (erasure on request) and data export.

Deletion: `POST /api/v2/me/delete-otp` sends a code to the caller's phone (purpose `delete_account`, the
same hashing, limits and SMS path as sign-in); `DELETE /api/v2/me` with that code runs, in one transaction:
the deletion blockers, then every erasure step (see `loopin.core.hooks`). Accounts' own steps run last:
- phone leads: the number is replaced by a tombstone, code IPs and provider ids are cleared;
- sessions: every session is revoked and its device name cleared;
- profile: name, bio, birth date, gender, interests, pictures (files deleted after commit), staff
  rights and password are erased; the phone number becomes a unique tombstone, so the same number can
  sign up again as a new person; the row stays (inactive, `deleted_at` set) so orders, payouts and
  audit entries that point to it are kept with the person anonymised.
Audit entries are append-only and are not touched: they refer to the anonymised row. Push devices,
requests, tickets and orders belong to their domains, which register their own steps and sections.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from loopin.accounts.error_codes import AccountErrorCode
from loopin.accounts.models import AuthSession, OtpCode, OtpPurpose, PhoneLead, RefreshToken, User
from loopin.accounts.services import _delete_files, otp_consume, otp_request, sessions_ended
from loopin.audit.models import AuditEntry
from loopin.audit.services import audit_record
from loopin.core.errors import Conflict
from loopin.core.hooks import (
    deletion_blockers,
    erasure_steps,
    export_sections,
    register_erasure_step,
    register_export_section,
)
from loopin.core.settings import get_settings

TOMBSTONE_PREFIX = "deleted:"


def phone_tombstone() -> str:
    """A unique stand-in for an erased phone number (fits the 32-character column)."""
    return TOMBSTONE_PREFIX + uuid.uuid4().hex[:24]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


# ---------------------------------------------------------------- deletion


def _refuse_if_blocked(user: User) -> None:
    blockers = [
        {"name": name, "reason": reason} for name, check in deletion_blockers().items() if (reason := check(user))
    ]
    if blockers:
        raise Conflict(
            "The account cannot be deleted yet: " + " ".join(b["reason"] for b in blockers),
            code=AccountErrorCode.ACCOUNT_DELETION_BLOCKED,
            details={"blockers": blockers},
        )


def account_delete_code_send(*, user: User, ip: str | None = None) -> int:
    """Send a deletion code to the caller's phone (refused early when deletion is blocked); returns its TTL."""
    _refuse_if_blocked(user)
    otp_request(phone_number=user.phone_number, purpose=OtpPurpose.DELETE_ACCOUNT, ip=ip)
    return get_settings().OTP_TTL_SECONDS


def account_delete(*, user: User, code: str, ip: str | None = None) -> None:
    """Erase the caller's account after checking the deletion code; one transaction, all or nothing."""

    def erase() -> None:
        locked = User.objects.select_for_update().get(id=user.id)
        _refuse_if_blocked(locked)
        steps = erasure_steps()
        for step in steps.values():
            step(locked)
        audit_record(action="account.deleted", actor=locked, obj=locked, subject=locked, data={"steps": list(steps)})

    otp_consume(phone_number=user.phone_number, code=code, purpose=OtpPurpose.DELETE_ACCOUNT, then=erase, ip=ip)


def erase_phone_leads(user: User) -> None:
    leads = list(PhoneLead.objects.filter(Q(user=user) | Q(phone_number=user.phone_number)))
    for lead in leads:
        lead.phone_number = phone_tombstone()
        lead.last_send_error = ""
        lead.save(update_fields=["phone_number", "last_send_error"])
    OtpCode.objects.filter(lead__in=leads).update(requested_ip=None, provider_message_id="", send_error="")


def erase_sessions(user: User) -> None:
    now = timezone.now()
    AuthSession.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=now, revoke_reason="account_deleted"
    )
    AuthSession.objects.filter(user=user).update(user_agent="")
    RefreshToken.objects.filter(session__user=user).delete()
    sessions_ended(user_id=user.id, session_id=None, reason="account_deleted")


def erase_profile(user: User) -> None:
    files = [p.image.name for p in user.pictures.all() if p.image.name]
    user.pictures.all().delete()
    user.interests.clear()
    user.groups.clear()
    user.user_permissions.clear()
    now = timezone.now()
    user.phone_number = phone_tombstone()
    user.name = user.bio = user.gender = ""
    user.birth_date = None
    user.is_active = user.is_staff = user.is_superuser = False
    user.password = make_password(None)  # unusable
    user.deleted_at = now
    user.save()
    transaction.on_commit(lambda: _delete_files(files))


# ---------------------------------------------------------------- export


def account_export(*, user: User) -> dict[str, Any]:
    """Everything the service holds about the caller, one section per domain."""
    data: dict[str, Any] = {"exported_at": timezone.now().isoformat(), "user_id": str(user.id)}
    for name, section in export_sections().items():
        data[name] = section(user)
    return data


def export_profile(user: User) -> dict[str, Any]:
    user = User.objects.prefetch_related("interests", "pictures").get(id=user.id)
    return {
        "id": str(user.id),
        "phone_number": user.phone_number,
        "name": user.name,
        "birth_date": _iso(user.birth_date),
        "gender": user.gender,
        "bio": user.bio,
        "event_interests": [i.name for i in user.interests.all()],
        "profile_pictures": [p.public_url for p in user.pictures.all()],
        "is_verified": user.is_verified,
        "is_host": user.is_host,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "profile_completed_at": _iso(user.profile_completed_at),
        "waitlist": {"promote_at": _iso(user.promote_at), "promoted_at": _iso(user.promoted_at)},
    }


def export_sessions(user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": str(s.id),
            "created_at": _iso(s.created_at),
            "last_used_at": _iso(s.last_used_at),
            "expires_at": _iso(s.expires_at),
            "revoked_at": _iso(s.revoked_at),
            "revoke_reason": s.revoke_reason,
            "user_agent": s.user_agent,
        }
        for s in AuthSession.objects.filter(user=user).order_by("created_at")
    ]


def export_phone_leads(user: User) -> list[dict[str, Any]]:
    leads = PhoneLead.objects.filter(Q(user=user) | Q(phone_number=user.phone_number)).prefetch_related("codes")
    return [
        {
            "phone_number": lead.phone_number,
            "first_requested_at": _iso(lead.first_requested_at),
            "last_requested_at": _iso(lead.last_requested_at),
            "codes_sent": lead.send_count,
            "verified_at": _iso(lead.verified_at),
            "codes": [
                {
                    "purpose": c.purpose,
                    "created_at": _iso(c.created_at),
                    "send_status": c.send_status,
                    "consumed_at": _iso(c.consumed_at),
                    "requested_ip": c.requested_ip,
                }
                for c in sorted(lead.codes.all(), key=lambda c: c.created_at)
            ],
        }
        for lead in leads
    ]


def export_audit(user: User) -> list[dict[str, Any]]:
    entries = AuditEntry.objects.filter(Q(subject=user) | Q(actor=user)).order_by("created_at")
    return [
        {
            "created_at": _iso(e.created_at),
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "by_you": e.actor_id == user.id,
            "ip": e.ip,
            "data": e.data,
        }
        for e in entries
    ]


def register_account_hooks() -> None:
    """Accounts' own parts of deletion and export (called from AccountsConfig.ready)."""
    register_erasure_step("accounts.phone_leads", erase_phone_leads, order=1000)
    register_erasure_step("accounts.sessions", erase_sessions, order=1001)
    register_erasure_step("accounts.profile", erase_profile, order=1002)
    register_export_section("profile", export_profile)
    register_export_section("sessions", export_sessions)
    register_export_section("phone_leads", export_phone_leads)
    register_export_section("audit", export_audit)
