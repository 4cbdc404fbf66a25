"""Times are stored in UTC and shown in the display zone (Asia/Kolkata unless configured)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BeforeValidator

from loopin.core.settings import get_settings


@lru_cache
def display_zone() -> ZoneInfo:
    return ZoneInfo(get_settings().DISPLAY_TIME_ZONE)


# Every time the API accepts lies in this window (UTC); anything outside is a 422, so no stored time can
# overflow when it is shown in the display zone or moved by an event's duration.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def to_display(value: datetime | None) -> datetime | None:
    """The time in the display zone; a stored time at the edge of the calendar stays in UTC instead of failing."""
    if value is None:
        return None
    try:
        return value.astimezone(display_zone())
    except (OverflowError, ValueError):
        return value


def _iso_text(value: Any) -> Any:
    """Times are ISO 8601 text (CONTRACT.md): a bare number (`0`, a Unix timestamp) is refused, not read as 1970."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("Send the time as ISO 8601 text, e.g. 2026-12-20T19:00:00+05:30.")
    return value


def assume_display_zone(value: datetime) -> datetime:
    """A time sent without an offset is read in the display zone; the result is the same instant in UTC,
    refused (ValueError -> 422) outside EARLIEST..LATEST.

    UTC because PostgreSQL refuses offsets past +-15:59 that Python accepts (up to +-23:59).
    """
    aware = value.replace(tzinfo=display_zone()) if value.tzinfo is None else value
    try:
        value = aware.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("The time is out of range.") from None
    if not EARLIEST <= value < LATEST:
        raise ValueError(f"The time must be between {EARLIEST.year} and {LATEST.year - 1}.")
    return value


# Every time a client sends (body or query): ISO 8601 text, read like `assume_display_zone`.
ApiTime = Annotated[datetime, BeforeValidator(_iso_text), AfterValidator(assume_display_zone)]


# A query parameter time: read like `assume_display_zone`, invalid times are 422.
QueryTime = ApiTime
