"""The onboarding waitlist.

When `WAITLIST_ENABLED` is on, a user completing their profile for the first time is held until
`promote_at` (a random WAITLIST_MIN_MINUTES..WAITLIST_MAX_MINUTES later). While held, every gated
endpoint (`CurrentUser` / `OptionalUser` in `loopin.core.auth`) answers 403 `WAITLISTED`; auth, profile
and `/api/v2/me` endpoints use `UngatedUser` and keep working. Users are promoted by the periodic task
`accounts.promote_waitlisted`, lazily when they call a gated endpoint after `promote_at`, or by staff
in the admin; each promotion happens exactly once and calls `waitlist_welcome`.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from loopin.accounts.error_codes import AccountErrorCode
from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import PermissionDenied
from loopin.core.hooks import waitlist_promoted_listeners
from loopin.core.sessioncache import session_cache_forget
from loopin.core.settings import get_settings


def waitlist_place(user: User) -> None:
    """At a first profile completion (user locked, caller saves): hold the user when the waitlist is on."""
    s = get_settings()
    if not s.WAITLIST_ENABLED or user.promote_at is not None:
        return
    low, high = s.WAITLIST_MIN_MINUTES * 60, s.WAITLIST_MAX_MINUTES * 60
    user.promote_at = timezone.now() + timedelta(seconds=low + secrets.randbelow(high - low + 1))
    audit_record(
        action="waitlist.joined", actor=user, obj=user, subject=user, data={"promote_at": user.promote_at.isoformat()}
    )


def waitlist_welcome(user: User) -> None:
    """Welcome a user who just left the waitlist, inside the promotion's transaction.

    This is where the notifications domain hooks in: it registers its welcome notification with
    `loopin.core.hooks.register_waitlist_promoted(...)`, and every registered listener runs here.
    """
    for listener in waitlist_promoted_listeners().values():
        listener(user)


def waitlist_promote(*, user_id: uuid.UUID, via: str, by: Any = None) -> bool:
    """Let a waitlisted user in now. Exactly once per user: False if not waitlisted (or already promoted)."""
    with transaction.atomic():
        now = timezone.now()
        # The conditional update is the lock: of two concurrent promoters only one changes the row.
        promoted = User.objects.filter(id=user_id, promote_at__isnull=False, promoted_at__isnull=True).update(
            promoted_at=now, updated_at=now
        )
        if not promoted:
            return False
        session_cache_forget(user_id=user_id)  # a cached caller still says waitlisted
        user = User.objects.get(id=user_id)
        audit_record(action="waitlist.promoted", actor=by, obj=user, subject=user, data={"via": via})
        waitlist_welcome(user)
    return True


def waitlist_promote_due(*, limit: int = 500) -> int:
    """Promote every user whose `promote_at` has passed (the periodic job); returns how many were promoted."""
    due = list(
        User.objects.filter(promote_at__lte=timezone.now(), promoted_at__isnull=True)
        .order_by("promote_at")
        .values_list("id", flat=True)[:limit]
    )
    return sum(waitlist_promote(user_id=user_id, via="schedule") for user_id in due)


def waitlist_gate(user: User) -> None:
    """Refuse a waitlisted caller with 403 WAITLISTED; a caller whose time has come is promoted on the spot."""
    promote_at = user.promote_at
    if not user.is_waitlisted or promote_at is None:  # is_waitlisted already means promote_at is set
        return
    if promote_at <= timezone.now():
        waitlist_promote(user_id=user.id, via="lazy")
        user.refresh_from_db(fields=["promoted_at"])
        return
    raise PermissionDenied(
        "You're on the waitlist: Loopin opens for you shortly.",
        code=AccountErrorCode.WAITLISTED,
        details={"promote_at": promote_at.isoformat()},
    )
