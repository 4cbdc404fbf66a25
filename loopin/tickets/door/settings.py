"""Who may work an event's door, and the door's settings (when check-in opens, exits, offline scanning)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery, UUIDField

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.compiled import CompiledQuery
from loopin.core.errors import NotFound
from loopin.core.settings import get_settings
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import Event
from loopin.events.selectors.access import (
    EventAction,
    acts_on_staff_power,
    co_host_may,
    co_hostings,
    ensure_can_manage,
    holds_host_power,
)
from loopin.events.services.access import staff_access_record
from loopin.organisations.selectors import member_roles
from loopin.tickets.door.grants import door_granted
from loopin.tickets.errors import NotDoorStaff
from loopin.tickets.models import (
    DoorStaff,
    EventDoorSettings,
)

# access and settings


def _door_rows(event_id: uuid.UUID, user_id: uuid.UUID) -> QuerySet[Event, dict[str, Any]]:
    """The live event's columns, its door settings' (all empty: never saved) and what the caller is to it: door
    staff, accepted co-host, their role in its organisation (the same queries `co_host_of` and `member_role` run)."""
    event = OuterRef("id")
    rows: QuerySet[Event, dict[str, Any]] = (
        Event.objects.alive()
        .filter(id=event_id)
        .values(
            *_EVENT_COLUMNS,
            *(f"door__{name}" for name in _DOOR_COLUMNS),
            is_door_staff=Exists(DoorStaff.objects.filter(event_id=event, user_id=user_id)),
            is_co_host=Exists(co_hostings(user_id=user_id, event_id=event)),
            member_role=Subquery(member_roles(user_id=user_id, organisation_id=OuterRef("organisation_id"))[:1]),
        )
    )
    return rows


_EVENT_COLUMNS = tuple(f.attname for f in Event._meta.concrete_fields)
_DOOR_COLUMNS = tuple(f.attname for f in EventDoorSettings._meta.concrete_fields)
# Every scan asks it: compiled once (issue 22), the ORM's own query and converters (`door_event` builds the models).
DOOR_ROWS = CompiledQuery(_door_rows, slots={"event_id": UUIDField(), "user_id": UUIDField()})


def door_event(user: User, event_id: uuid.UUID, *, manage: EventAction | None = None) -> Event:
    """The event if `user` may work its door: the host, an accepted co-host, its door staff, or whoever a
    registered door grant lets in (the venue's door staff, `loopin.tickets.door.grants`); with `manage`, only
    whoever `ensure_can_manage` allows that action (door staff, door rules, keys). 403 for everyone else.
    One statement reads the event with its door settings and the caller's part in it (`DOOR_ROWS`)."""
    found = DOOR_ROWS.rows(event_id=event_id, user_id=user.pk)
    if not found:
        raise NotFound("Event not found.", code=EventErrorCode.EVENT_NOT_FOUND)
    row = found[0]
    event = _event_from(row)
    if manage is not None:
        ensure_can_manage(user, event, manage)
        return event
    if (
        not row["is_door_staff"]
        and not holds_host_power(user, event, "door", role=row["member_role"])
        and not co_host_may(user, event, "door", accepted=row["is_co_host"])
        and not door_granted(user, event)
    ):
        raise NotDoorStaff()  # Loopin staff manage the door (audited); they scan only with a grant's permission
    return event


def _event_from(row: dict[str, Any]) -> Event:
    """The Event (every column loaded, `door` cached as `select_related` leaves it) as the ORM would have built it
    from the same row."""
    db = connection.alias
    event = Event.from_db(db, list(_EVENT_COLUMNS), [row[name] for name in _EVENT_COLUMNS])
    door = None
    if row[f"door__{_DOOR_COLUMNS[0]}"] is not None:  # the primary key: the row exists
        door = EventDoorSettings.from_db(db, list(_DOOR_COLUMNS), [row[f"door__{name}"] for name in _DOOR_COLUMNS])
        EventDoorSettings.event.field.set_cached_value(door, event)
    Event.door.related.set_cached_value(event, door)
    return event


def door_event_to_manage(user: User, event_id: uuid.UUID, manage: EventAction) -> Event:
    """`door_event(..., manage=manage)` for a service that changes the door: a staff member's use of the power is
    audited (in the caller's transaction)."""
    event = door_event(user, event_id, manage=manage)
    if acts_on_staff_power(user, event, manage):
        staff_access_record(user=user, event=event, action=manage)
    return event


def door_settings(event: Event) -> EventDoorSettings:
    """The event's door settings, or the defaults (unsaved) when the host never changed them."""
    try:
        return event.door
    except EventDoorSettings.DoesNotExist:
        return EventDoorSettings(event=event, opens_minutes_before=get_settings().CHECKIN_OPENS_MINUTES)


def opens_at(event: Event) -> datetime:
    return event.start_at - timedelta(minutes=door_settings(event).opens_minutes_before)


def door_settings_update(
    *, actor: User, event_id: uuid.UUID, reentry_allowed: bool | None = None, opens_minutes_before: int | None = None
) -> EventDoorSettings:
    """Change an event's door rules (host and co-hosts)."""
    with transaction.atomic():
        event = door_event_to_manage(actor, event_id, "door")
        current = door_settings(event)
        settings, _ = EventDoorSettings.objects.select_for_update().get_or_create(
            event=event,
            defaults={"reentry_allowed": current.reentry_allowed, "opens_minutes_before": current.opens_minutes_before},
        )
        if reentry_allowed is not None:
            settings.reentry_allowed = reentry_allowed
        if opens_minutes_before is not None:
            settings.opens_minutes_before = opens_minutes_before
        settings.save(update_fields=["reentry_allowed", "opens_minutes_before"])
        audit_record(
            action="checkin.settings",
            actor=actor,
            obj=event,
            data={"reentry_allowed": settings.reentry_allowed, "opens_minutes_before": settings.opens_minutes_before},
        )
    return settings
