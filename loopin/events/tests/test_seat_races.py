"""Seats under load, with real threads: 50 people race for 10 seats, and exactly 10 win.

On PostgreSQL the conditional UPDATE is the guard (row-level lock, re-checked after waiting);
on SQLite IMMEDIATE transactions serialise the writers. Both must give the same result.
"""

from __future__ import annotations

from collections import Counter

from loopin.events.models import Event, JoinMode, JoinRequest
from loopin.participation.attendance import attendance_confirm
from loopin.participation.join_requests import join_request_accept
from loopin.testing.concurrency import outcomes as race
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.tickets.models import Ticket

RACERS = 50
SEATS = 10


def test_fifty_confirmations_for_ten_seats(interests):
    event = PublishedEventFactory(capacity=SEATS)
    people = [UserWithProfileFactory() for _ in range(RACERS)]
    outcomes = race([lambda u=u: attendance_confirm(user=u, event_id=event.id) for u in people])
    assert outcomes == Counter({"ok": SEATS, "CAPACITY_EXCEEDED": RACERS - SEATS})
    event.refresh_from_db()
    assert (event.seats_taken, event.going_count) == (SEATS, SEATS)
    assert Ticket.objects.filter(event=event, status="valid").count() == SEATS


def test_fifty_accepts_for_ten_seats(interests):
    event = PublishedEventFactory(capacity=SEATS, join_mode=JoinMode.APPROVAL)
    requests = [JoinRequest.objects.create(event=event, user=UserWithProfileFactory()) for _ in range(RACERS)]
    host = Event.objects.get(id=event.id).host
    outcomes = race([lambda r=r: join_request_accept(host=host, event_id=event.id, request_id=r.id) for r in requests])
    assert outcomes == Counter({"ok": SEATS, "CAPACITY_EXCEEDED": RACERS - SEATS})
    assert JoinRequest.objects.filter(event=event, status="accepted").count() == SEATS
    assert JoinRequest.objects.filter(event=event, status="pending").count() == RACERS - SEATS
    assert JoinRequest.objects.filter(event=event, seats_held=True).count() == SEATS  # held until confirmed
    assert Ticket.objects.filter(event=event).count() == 0
    event.refresh_from_db()
    assert event.seats_taken == SEATS


def test_one_person_confirming_twice_at_once_gets_one_ticket(interests):
    event = PublishedEventFactory(capacity=5)
    person = UserWithProfileFactory()
    outcomes = race([lambda: attendance_confirm(user=person, event_id=event.id) for _ in range(6)])
    assert outcomes == Counter({"ok": 1, "ALREADY_GOING": 5})
    event.refresh_from_db()
    assert (event.seats_taken, event.going_count) == (1, 1)
