"""Reminders 24 h and 2 h before an event starts, to every attendee, exactly once each.

The periodic job looks for published events starting within each window. A reminder's dedupe key names
the event, the kind and the start time, so running the job twice sends nothing new, and a moved event
(new start time) gets its reminders again for the new time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from loopin.core.logging import get_logger
from loopin.events.models import Event, EventStatus
from loopin.notifications.models import Notification
from loopin.notifications.services import notify
from loopin.notifications.triggers import _event_context, attendee_user_ids

log = get_logger("loopin.notifications.reminders")

# kind -> (starts within, but later than): a 24 h reminder is pointless once the 2 h one is due.
WINDOWS = {"24h": (timedelta(hours=24), timedelta(hours=2)), "2h": (timedelta(hours=2), timedelta(0))}


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Send every due reminder (as of `now`, default the present); returns how many notifications were made."""
    now = now or timezone.now()
    made = 0
    for kind, (within, later_than) in WINDOWS.items():
        events = (
            Event.objects.alive()
            .filter(status=EventStatus.PUBLISHED, start_at__gt=now + later_than, start_at__lte=now + within)
            .select_related("host", "venue")
        )
        for event in events:
            context = _event_context(event)
            key = f"reminder.{kind}"
            dedupe = f"{key}:{event.id}:{event.start_at.isoformat()}"
            done = set(Notification.objects.filter(dedupe_key=dedupe).values_list("user_id", flat=True))
            for user_id in dict.fromkeys(attendee_user_ids(event.id)):
                if user_id == event.host_id or user_id in done:
                    continue
                if notify(
                    user_id=user_id,
                    key=key,
                    context=context,
                    object_type="event",
                    object_id=event.id,
                    dedupe_key=dedupe,
                ):
                    made += 1
    if made:
        log.info("reminders_sent", count=made)
    return made
