"""Times are stored in UTC and shown in the display zone (Asia/Kolkata unless configured)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator

from loopin.config.settings import get_settings


@lru_cache
def display_zone() -> ZoneInfo:
    return ZoneInfo(get_settings().DISPLAY_TIME_ZONE)


def to_display(value: datetime | None) -> datetime | None:
    return value.astimezone(display_zone()) if value is not None else None


def assume_display_zone(value: datetime) -> datetime:
    """A time sent without an offset is read in the display zone; the result is the same instant in UTC.

    UTC because PostgreSQL refuses offsets past +-15:59 that Python accepts (up to +-23:59); a time that
    cannot be expressed in UTC (year 1 or 9999 at the edge) is invalid input (ValueError -> 422).
    """
    aware = value.replace(tzinfo=display_zone()) if value.tzinfo is None else value
    try:
        return aware.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("The time is out of range.") from None


# A query parameter time: read like `assume_display_zone`, invalid times are 422.
QueryTime = Annotated[datetime, AfterValidator(assume_display_zone)]
