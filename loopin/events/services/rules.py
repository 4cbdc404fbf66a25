"""The checks a service runs before it writes: who may host, whether a guest may take part."""

from __future__ import annotations

from loopin.accounts.error_codes import AccountErrorCode
from loopin.accounts.models import User
from loopin.config.settings import get_settings
from loopin.core.errors import BusinessRuleError, PermissionDenied
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import (
    AllowedGender,
    Event,
    EventStatus,
)
from loopin.participation.error_codes import ParticipationErrorCode


def ensure_can_host(user: User) -> None:
    if get_settings().HOSTS_REQUIRE_APPROVAL and not (user.is_host or user.is_staff):
        raise PermissionDenied(
            "Only approved hosts can create events. Apply with become-a-host.",
            code=EventErrorCode.HOST_APPROVAL_REQUIRED,
        )
    if not user.profile_complete and not user.is_staff:
        raise PermissionDenied("Complete your profile first.", code=AccountErrorCode.PROFILE_INCOMPLETE)


def _ensure_profile_complete(user: User) -> None:
    if not user.profile_complete:
        raise PermissionDenied("Complete your profile first.", code=AccountErrorCode.PROFILE_INCOMPLETE)


_GENDER_MAP = {"male": AllowedGender.MALE, "female": AllowedGender.FEMALE, "other": AllowedGender.NON_BINARY}


def ensure_gender_allowed(user: User, event: Event) -> None:
    allowed = event.allowed_genders or [AllowedGender.ALL]
    if AllowedGender.ALL in allowed:
        return
    if _GENDER_MAP.get(user.gender) not in allowed:
        raise BusinessRuleError(
            "This event is limited to other genders.",
            code=ParticipationErrorCode.GENDER_RESTRICTED,
            details={"allowed_genders": allowed},
        )


def _ensure_open_for_guests(event: Event) -> None:
    if event.status != EventStatus.PUBLISHED:
        raise BusinessRuleError(
            f"This event is {event.status}; it is not taking guests.", code=ParticipationErrorCode.EVENT_NOT_PUBLISHED
        )
    if event.has_started:
        raise BusinessRuleError("This event has already started.", code=ParticipationErrorCode.EVENT_STARTED)


def ensure_seats_allowed(event: Event, seats: int) -> None:
    if not 1 <= seats <= event.max_seats_per_guest:
        allowed = event.max_seats_per_guest
        raise BusinessRuleError(
            "This event allows one seat per guest."
            if allowed == 1
            else f"You can take 1 to {allowed} seats at this event.",
            code=ParticipationErrorCode.TOO_MANY_SEATS,
            details={"max_seats": event.max_seats_per_guest},
        )
