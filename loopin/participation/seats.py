"""An event's counters: `seats_taken` (seats, including held ones) and `going_count` (people with a ticket),
and each ticket tier's `seats_taken`.

Every count moves in a conditional UPDATE, so none can oversell or drift, on SQLite or PostgreSQL. With a tier,
the event's row is updated first and the tier's second (always in that order, as the services that lock the
event first do, so two writers never wait on each other crosswise); the event's row stays locked by its UPDATE
until the transaction ends, so when the tier is full the event's seats are given back by the same transaction
before anyone else can count them. Outside this package
only holds (a paid order's seats, held before anyone is going) call these; tickets count through
`loopin.participation.tickets`.
"""

from __future__ import annotations

import uuid
from functools import cache

from django.db import connection
from django.db.models import F, Model

from loopin.core.sql import column, prep, table
from loopin.events.models import Event, TicketTier
from loopin.events.realtime import seats_changed
from loopin.events.signals import seats_released
from loopin.participation.errors import CapacityExceeded, TierSoldOut


@cache
def _room_sql(model: type[Model], vendor: str, *, going: bool) -> str:
    """The conditional UPDATE that takes seats in one row of `model` (an event, `going`: and counts people, or a
    tier): only while it has no capacity or at least that many seats left. Parameters: seats, [people,] id, seats.
    The one statement of the rule; PostgreSQL runs the event's and the tier's as one (`_event_and_tier_sql`)."""
    taken, capacity = column(model, "seats_taken"), column(model, "capacity")
    going_sql = f", {column(model, 'going_count')} = {column(model, 'going_count')} + %s" if going else ""
    return (
        f"UPDATE {table(model)} SET {taken} = {taken} + %s{going_sql}"  # noqa: S608 - names only
        f" WHERE {column(model, 'id')} = %s AND ({capacity} = 0 OR {taken} <= {capacity} - %s)"
    )


@cache
def _event_and_tier_sql(vendor: str) -> str:
    """Both UPDATEs in one round trip (PostgreSQL's data-modifying CTEs): the tier's runs only when the event's took
    the seats, event row first as always. The event's row is locked from its UPDATE to the commit, and every buyer
    of the event queues on that lock: one statement instead of two leaves the fewest client turns inside it."""
    return (
        f"WITH e AS ({_room_sql(Event, vendor, going=True)} RETURNING 1),"  # noqa: S608 - names only
        f" t AS ({_room_sql(TicketTier, vendor, going=False)} AND EXISTS (SELECT 1 FROM e) RETURNING 1)"
        " SELECT (SELECT count(*) FROM e), (SELECT count(*) FROM t)"
    )


def _take(event_id: uuid.UUID, seats: int, people: int, tier_id: uuid.UUID | None) -> tuple[bool, bool]:
    """(the event took the seats, the tier did too: True when there is no tier to take them in)."""
    vendor, event = connection.vendor, prep(Event, "id", event_id)
    with connection.cursor() as cursor:
        if tier_id is not None and seats and vendor == "postgresql":
            tier = prep(TicketTier, "id", tier_id)
            cursor.execute(_event_and_tier_sql(vendor), [seats, people, event, seats, seats, tier, seats])
            in_event, in_tier = cursor.fetchone()
            return bool(in_event), bool(in_tier)
        cursor.execute(_room_sql(Event, vendor, going=True), [seats, people, event, seats])
        if not cursor.rowcount:
            return False, False
        if tier_id is None or not seats:
            return True, True
        cursor.execute(_room_sql(TicketTier, vendor, going=False), [seats, prep(TicketTier, "id", tier_id), seats])
        return True, bool(cursor.rowcount)


def seats_take(*, event_id: uuid.UUID, seats: int, people: int = 0, tier_id: uuid.UUID | None = None) -> None:
    """Take `seats` (and count `people` as going) at the event, and in the tier when given.

    CapacityExceeded when the event has too few seats left, TierSoldOut (a CapacityExceeded) when the tier has.
    """
    taken, in_tier = _take(event_id, seats, people, tier_id)
    if not taken:
        left = Event.objects.filter(id=event_id).values_list("capacity", "seats_taken").first()
        seats_left = max(left[0] - left[1], 0) if left else 0
        raise CapacityExceeded("There are not enough seats left for this request.", seats_left=seats_left)
    if not in_tier:
        assert tier_id is not None  # no tier: nothing to refuse
        # Give the event's seats back at once: its row is still ours (locked by the UPDATE above).
        Event.objects.filter(id=event_id).update(
            seats_taken=F("seats_taken") - seats, going_count=F("going_count") - people
        )
        left = TicketTier.objects.filter(id=tier_id).values_list("capacity", "seats_taken").first()
        raise TierSoldOut(seats_left=max(left[0] - left[1], 0) if left else 0, tier_id=tier_id)
    seats_changed(event_id)


def seats_release(*, event_id: uuid.UUID, seats: int, people: int = 0, tier_id: uuid.UUID | None = None) -> None:
    """Give `seats` back (and `people` stop going) in the tier (when given) and the event."""
    Event.objects.filter(id=event_id).update(
        seats_taken=F("seats_taken") - seats, going_count=F("going_count") - people
    )
    if tier_id is not None and seats:
        TicketTier.objects.filter(id=tier_id).update(seats_taken=F("seats_taken") - seats)
    seats_changed(event_id)
    if seats:
        # Inside this transaction: the waitlist holds the freed seats for the next in line before anyone else
        # can count them (loopin.participation.waitlist).
        seats_released.send(sender=None, event_id=event_id, tier_id=tier_id)
