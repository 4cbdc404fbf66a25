"""An event's counters: `seats_taken` (seats, including held ones) and `going_count` (people with a ticket).

Both move in one conditional UPDATE, so a count can never oversell or drift, on SQLite or PostgreSQL, with
no lock held. Outside this package only holds (a paid order's seats, held before anyone is going) call these;
tickets count through `loopin.participation.tickets`.
"""

from __future__ import annotations

import uuid

from django.db.models import F, Q

from loopin.events.models import Event
from loopin.events.realtime import seats_changed
from loopin.participation.errors import CapacityExceeded


def seats_take(*, event_id: uuid.UUID, seats: int, people: int = 0) -> None:
    """Take `seats` (and count `people` as going) in one conditional UPDATE; CapacityExceeded if they do not fit."""
    taken = (
        Event.objects.filter(id=event_id)
        .filter(Q(capacity=0) | Q(seats_taken__lte=F("capacity") - seats))
        .update(seats_taken=F("seats_taken") + seats, going_count=F("going_count") + people)
    )
    if taken:
        seats_changed(event_id)
    if not taken:
        left = Event.objects.filter(id=event_id).values_list("capacity", "seats_taken").first()
        seats_left = max(left[0] - left[1], 0) if left else 0
        raise CapacityExceeded("There are not enough seats left for this request.", seats_left=seats_left)


def seats_release(*, event_id: uuid.UUID, seats: int, people: int = 0) -> None:
    """Give `seats` back (and `people` stop going) in one UPDATE."""
    Event.objects.filter(id=event_id).update(
        seats_taken=F("seats_taken") - seats, going_count=F("going_count") - people
    )
    seats_changed(event_id)
