"""Thin tasks: the door's scheduled jobs (beat), each idempotent."""

from __future__ import annotations

from celery import shared_task

from loopin.tickets.door.schedule import checkin_open_due, no_shows_mark


@shared_task(name="tickets.open_checkins", ignore_result=True)  # type: ignore[untyped-decorator]
def open_checkins() -> int:
    """Send `checkin_opened` for events whose check-in window has opened (once each; every minute)."""
    return checkin_open_due()


@shared_task(name="tickets.mark_no_shows", ignore_result=True)  # type: ignore[untyped-decorator]
def mark_no_shows() -> int:
    """Mark unscanned tickets of ended events as no-shows (every 15 minutes)."""
    return no_shows_mark()
