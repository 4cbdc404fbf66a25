"""Staff authenticators: one-time enrolment links (issue, claim, confirm) and device look-ups."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from loopin.audit.services import audit_record
from loopin.core.settings import get_settings
from loopin.staff.models import TotpEnrolmentLink

if TYPE_CHECKING:
    from loopin.accounts.models import User


class EnrolmentLinkRefused(Exception):
    """A link cannot be issued or used (admin pages and the command show the message)."""


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_link_issue(*, user: User, issued_by: Any = None) -> str:
    """A new single-use enrolment link token for a staff member without an authenticator (earlier
    unused links for them stop working). Only its hash is stored; the caller hands the token over."""
    if not (user.is_active and user.is_staff):
        raise EnrolmentLinkRefused("Enrolment links are only for active staff accounts.")
    if confirmed_device(user) is not None:
        raise EnrolmentLinkRefused(
            "This account already has an authenticator: delete its TOTP device first (lost phone)."
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        TotpEnrolmentLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        link = TotpEnrolmentLink.objects.create(
            user=user,
            token_hash=_hash(token),
            issued_by=issued_by,
            expires_at=now + timedelta(minutes=get_settings().STAFF_TOTP_LINK_MINUTES),
        )
        audit_record(action="staff.totp_link_issued", actor=issued_by, obj=link, subject=user)
    return token


def totp_link_find(token: str, *, claim_secret: str) -> TotpEnrolmentLink | None:
    """The live link for this token: unexpired, not used, and unclaimed or claimed with `claim_secret`
    (a random value kept in the claiming session)."""
    link = (
        TotpEnrolmentLink.objects.select_related("user")
        .filter(token_hash=_hash(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if link is None or not (link.user.is_active and link.user.is_staff):
        return None
    if link.claimed_at is not None and (not claim_secret or link.claimed_session != _hash(claim_secret)):
        return None
    return link


def totp_link_claim(link: TotpEnrolmentLink, *, claim_secret: str) -> TOTPDevice:
    """The owner gave their password on the link: bind it to this session (no other may use it) and
    return the unconfirmed device whose secret is shown."""
    with transaction.atomic():
        if link.claimed_at is None:
            claimed = TotpEnrolmentLink.objects.filter(id=link.id, claimed_at__isnull=True).update(
                claimed_at=timezone.now(), claimed_session=_hash(claim_secret)
            )
            if not claimed:
                raise EnrolmentLinkRefused("This enrolment link was already used.")
            TOTPDevice.objects.filter(user=link.user, confirmed=False).delete()
            audit_record(action="staff.totp_link_claimed", actor=link.user, obj=link, subject=link.user)
        return TOTPDevice.objects.filter(user=link.user, confirmed=False).first() or TOTPDevice.objects.create(
            user=link.user, name="Authenticator app", confirmed=False
        )


def totp_link_confirm(link: TotpEnrolmentLink, *, token: str) -> TOTPDevice | None:
    """Confirm the link's device with one code from the app (django-otp throttles wrong ones); the
    link is then spent. None: the code was wrong or not checked."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=link.user, confirmed=False).first()
        if device is None or not device.verify_token(token):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TotpEnrolmentLink.objects.filter(id=link.id).update(used_at=timezone.now())
        audit_record(action="staff.totp_enrolled", actor=link.user, obj=device, subject=link.user, data={"via": "link"})
    return device
