"""Thin tasks: take ids, reload, call a service; each is idempotent."""

from __future__ import annotations

from celery import shared_task

from loopin.stories.services import stories_expire


@shared_task(name="stories.expire", ignore_result=True)
def expire_stories() -> int:
    """Delete stories past 24 hours with their media and views (beat: every minute)."""

    return stories_expire()
