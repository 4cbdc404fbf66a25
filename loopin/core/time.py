"""Times are stored in UTC and shown in the display zone (Asia/Kolkata unless configured)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from loopin.config.settings import get_settings


@lru_cache
def display_zone() -> ZoneInfo:
    return ZoneInfo(get_settings().DISPLAY_TIME_ZONE)


def to_display(value: datetime | None) -> datetime | None:
    return value.astimezone(display_zone()) if value is not None else None


def assume_display_zone(value: datetime) -> datetime:
    """A time sent without an offset is read in the display zone."""
    return value.replace(tzinfo=display_zone()) if value.tzinfo is None else value
