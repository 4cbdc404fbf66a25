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

from django.db.models import F, Q

from loopin.events.models import Event, TicketTier
from loopin.events.realtime import seats_changed
from loopin.events.signals import seats_released
from loopin.participation.errors import CapacityExceeded, TierSoldOut


def seats_take(*, event_id: uuid.UUID, seats: int, people: int = 0, tier_id: uuid.UUID | None = None) -> None:
    """Take `seats` (and count `people` as going) at the event, and in the tier when given.

    CapacityExceeded when the event has too few seats left, TierSoldOut (a CapacityExceeded) when the tier has.
    """
    taken = (
        Event.objects.filter(id=event_id)
        .filter(Q(capacity=0) | Q(seats_taken__lte=F("capacity") - seats))
        .update(seats_taken=F("seats_taken") + seats, going_count=F("going_count") + people)
    )
    if not taken:
        left = Event.objects.filter(id=event_id).values_list("capacity", "seats_taken").first()
        seats_left = max(left[0] - left[1], 0) if left else 0
        raise CapacityExceeded("There are not enough seats left for this request.", seats_left=seats_left)
    if tier_id is not None and seats:
        in_tier = (
            TicketTier.objects.filter(id=tier_id)
            .filter(Q(capacity=0) | Q(seats_taken__lte=F("capacity") - seats))
            .update(seats_taken=F("seats_taken") + seats)
        )
        if not in_tier:
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
