"""Live seat counts: sockets in `event:{id}` get `seats` after every change of the event's seats.

Seat changes (tickets, holds, releases) call `seats_changed` inside their transaction; the count goes out
after commit. The subscribe handlers are in `events.sockets`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import UUIDField

from loopin.core.compiled import CompiledQuery, first
from loopin.events.models import Event
from loopin.realtime import emit


def event_room(event_id: Any) -> str:
    return f"event:{event_id}"


# Read after every hold's commit (issue 22): compiled once, not built and compiled by the ORM on each call.
_SEATS = CompiledQuery(
    lambda event_id: first(Event.objects.filter(id=event_id).values("capacity", "seats_taken", "going_count")),
    slots={"event_id": UUIDField()},
)


def seats_payload(*, event_id: Any) -> dict[str, Any] | None:
    row = _SEATS.row(event_id=event_id)
    if row is None:
        return None
    cap = row["capacity"]
    return {
        "event_id": str(event_id),
        "capacity": cap,
        "seats_taken": row["seats_taken"],
        "seats_left": None if cap == 0 else max(cap - row["seats_taken"], 0),
        "going_count": row["going_count"],
    }


def seats_changed(event_id: Any) -> None:
    """Call inside the transaction that changed the seats; subscribers hear the new count after commit."""

    def announce() -> None:
        payload = seats_payload(event_id=event_id)
        if payload is not None:
            emit(event_room(event_id), "seats", payload)

    transaction.on_commit(announce, robust=True)
