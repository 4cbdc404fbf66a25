"""Thin tasks of taking part: expire what was held and not taken in time (beat, every minute).

Their names keep the `events.` prefix they were scheduled under (config/celery.py's beat schedule).
Celery ships no type hints, hence the ignores on its decorator.
"""

from __future__ import annotations

from celery import shared_task

from loopin.participation.tickets import request_holds_expire_due
from loopin.participation.waitlist import waitlist_offers_expire_due


@shared_task(name="events.expire_request_holds", ignore_result=True)  # type: ignore[untyped-decorator]
def expire_request_holds() -> int:
    """Accepted guests who did not confirm by their RSVP deadline give their held seats back (beat: every minute)."""
    return request_holds_expire_due()


@shared_task(name="events.expire_waitlist_offers", ignore_result=True)  # type: ignore[untyped-decorator]
def expire_waitlist_offers() -> int:
    """Waitlist offers not taken in time give their seats to the next in line (beat: every minute)."""
    return waitlist_offers_expire_due()
