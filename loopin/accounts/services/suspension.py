"""Staff suspend and unsuspend accounts; a suspension ends every session."""

from __future__ import annotations

import uuid

from django.db import transaction

from loopin.accounts.models import (
    User,
)
from loopin.accounts.services.sessions import sessions_revoke_all
from loopin.audit.services import audit_record


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
