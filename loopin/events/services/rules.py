"""Who may host. (Whether a guest may take part is `loopin.participation.rules`.)"""

from __future__ import annotations

from loopin.accounts.error_codes import AccountErrorCode
from loopin.accounts.models import User
from loopin.core.errors import PermissionDenied
from loopin.core.settings import get_settings
from loopin.events.error_codes import EventErrorCode


def ensure_can_host(user: User) -> None:
    if get_settings().HOSTS_REQUIRE_APPROVAL and not (user.is_host or user.is_staff):
        raise PermissionDenied(
            "Only approved hosts can create events. Apply with become-a-host.",
            code=EventErrorCode.HOST_APPROVAL_REQUIRED,
        )
    if not user.profile_complete and not user.is_staff:
        raise PermissionDenied("Complete your profile first.", code=AccountErrorCode.PROFILE_INCOMPLETE)
