"""Who may see and manage an event, and the one way to load an event as a given caller."""

from __future__ import annotations

import uuid

from loopin.accounts.models import User
from loopin.core.errors import NotFound, PermissionDenied
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import (
    Event,
    EventStatus,
    Invitation,
    Visibility,
)
from loopin.tickets.models import Ticket


def can_manage(user: User | None, event: Event) -> bool:
    return user is not None and (user.id == event.host_id or user.is_staff)


def ensure_can_manage(user: User, event: Event) -> None:
    if not can_manage(user, event):
        raise PermissionDenied("Only the host can do this.", code=EventErrorCode.NOT_EVENT_HOST)


def is_visible(user: User | None, event: Event) -> bool:
    """Drafts: the host only. Private events: the host, invitees and ticket holders. Deleted: nobody."""
    if event.deleted_at is not None:
        return False
    if can_manage(user, event):
        return True
    if event.status == EventStatus.DRAFT:
        return False
    if event.visibility == Visibility.PUBLIC:
        return True
    if user is None:
        return False
    return (
        Invitation.objects.filter(event=event, invitee=user).exists()
        or Ticket.objects.filter(event=event, user=user).exists()
    )


def event_for(user: User | None, event_id: uuid.UUID, *, lock: bool = False) -> Event:
    qs = Event.objects.select_related("venue", "host")
    if lock:
        qs = Event.objects.select_for_update()
    event = qs.filter(id=event_id, deleted_at__isnull=True).first()
    if event is None or not is_visible(user, event):
        raise NotFound("Event not found.", code=EventErrorCode.EVENT_NOT_FOUND)
    return event
