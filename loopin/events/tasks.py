"""Scheduled work of the events domain."""

from __future__ import annotations

from celery import shared_task

from loopin.participation.tickets import request_holds_expire_due


@shared_task(name="events.expire_request_holds", ignore_result=True)
def expire_request_holds() -> int:
    """Accepted guests who did not confirm by their RSVP deadline give their held seats back (beat: every minute)."""
    return request_holds_expire_due()
