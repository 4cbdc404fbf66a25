"""Scheduled door work: the check-in-opened notice, rescheduling it, and marking no-shows after the event."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from loopin.events.models import Event, EventStatus
from loopin.events.signals import send_after_commit
from loopin.tickets.door.settings import door_settings, opens_at
from loopin.tickets.models import (
    EventDoorSettings,
    Ticket,
    TicketStatus,
)
from loopin.tickets.signals import checkin_opened

# scheduled: opening and no-shows


def checkin_open_due(*, now: datetime | None = None) -> int:
    """Send `checkin_opened` once per event whose check-in window has opened (beat, every minute)."""
    now = now or timezone.now()
    candidates = (
        Event.objects.alive()
        .filter(
            status__in=[EventStatus.PUBLISHED, EventStatus.POSTPONED],
            start_at__lte=now + timedelta(minutes=1440),
            end_at__gt=now,
        )
        .exclude(door__opened_at__isnull=False)
    )
    opened = 0
    for event in candidates.select_related("door"):
        if opens_at(event) > now:
            continue
        with transaction.atomic():
            row, _ = EventDoorSettings.objects.get_or_create(
                event=event, defaults={"opens_minutes_before": door_settings(event).opens_minutes_before}
            )
            if EventDoorSettings.objects.filter(pk=row.pk, opened_at__isnull=True).update(opened_at=now):
                send_after_commit(checkin_opened, event_id=event.id)
                opened += 1
    return opened


def checkin_reschedule(*, event_id: uuid.UUID) -> bool:
    """After a reschedule, a check-in that opened too early is closed again (it reopens on time)."""
    event = Event.objects.select_related("door").filter(id=event_id).first()
    if event is None or opens_at(event) <= timezone.now():
        return False
    return bool(EventDoorSettings.objects.filter(event_id=event_id, opened_at__isnull=False).update(opened_at=None))


def no_shows_mark(*, now: datetime | None = None) -> int:
    """After an event ends, its valid tickets never scanned in become no-shows (beat; idempotent)."""
    now = now or timezone.now()
    ended = (
        Event.objects.alive()
        .filter(end_at__lte=now, end_at__gt=now - timedelta(days=7))
        .filter(status__in=[EventStatus.PUBLISHED, EventStatus.POSTPONED, EventStatus.COMPLETED])
        .exclude(door__no_shows_marked_at__isnull=False)
        .select_related("door")
    )
    marked = 0
    for event in ended:
        with transaction.atomic():
            marked += Ticket.objects.filter(
                event=event, status=TicketStatus.VALID, checked_in_at__isnull=True, no_show_at__isnull=True
            ).update(no_show_at=now)
            EventDoorSettings.objects.update_or_create(
                event=event,
                defaults={"no_shows_marked_at": now},
                create_defaults={
                    "no_shows_marked_at": now,
                    "opens_minutes_before": door_settings(event).opens_minutes_before,
                },
            )
    return marked
