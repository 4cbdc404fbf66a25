"""The seat counters' conditional UPDATE (loopin.participation.seats): on PostgreSQL the event's and the tier's
run as one statement, on SQLite as two; both must take, refuse and give back exactly alike."""

from __future__ import annotations

from typing import Any

import pytest

from loopin.events.models import Event, TicketTier
from loopin.participation.errors import CapacityExceeded, TierSoldOut
from loopin.participation.seats import seats_take
from loopin.testing.factories import PublishedEventFactory

pytestmark = pytest.mark.django_db


def _event(capacity: int, taken: int, tier_capacity: int, tier_taken: int) -> tuple[Event, TicketTier]:
    event = PublishedEventFactory(capacity=capacity)
    Event.objects.filter(id=event.id).update(seats_taken=taken, going_count=taken)
    tier = TicketTier.objects.create(
        event=event, name="Front row", price=event.ticket_price, capacity=tier_capacity, seats_taken=tier_taken
    )
    return event, tier


def _counts(event: Event, tier: TicketTier) -> tuple[Any, ...]:
    e = Event.objects.get(id=event.id)
    return e.seats_taken, e.going_count, TicketTier.objects.get(id=tier.id).seats_taken


def test_seats_are_taken_in_the_event_and_the_tier_together():
    event, tier = _event(capacity=10, taken=7, tier_capacity=5, tier_taken=2)
    seats_take(event_id=event.id, seats=3, people=1, tier_id=tier.id)
    assert _counts(event, tier) == (10, 8, 5)


def test_a_full_tier_refuses_and_the_event_keeps_its_seats():
    event, tier = _event(capacity=10, taken=4, tier_capacity=5, tier_taken=4)
    with pytest.raises(TierSoldOut) as refused:
        seats_take(event_id=event.id, seats=2, people=1, tier_id=tier.id)
    assert refused.value.details == {"seats_left": 1, "tier_id": str(tier.id)}
    assert _counts(event, tier) == (4, 4, 4)


def test_a_full_event_refuses_and_the_tier_is_not_touched():
    event, tier = _event(capacity=10, taken=9, tier_capacity=0, tier_taken=3)
    with pytest.raises(CapacityExceeded) as refused:
        seats_take(event_id=event.id, seats=2, tier_id=tier.id)
    assert not isinstance(refused.value, TierSoldOut)
    assert refused.value.details == {"seats_left": 1}
    assert _counts(event, tier) == (9, 9, 3)


def test_no_capacity_means_no_limit_and_no_tier_counts_the_event_only():
    event, tier = _event(capacity=0, taken=500, tier_capacity=0, tier_taken=500)
    seats_take(event_id=event.id, seats=4, tier_id=tier.id)
    seats_take(event_id=event.id, seats=1, people=1)
    assert _counts(event, tier) == (505, 501, 504)
