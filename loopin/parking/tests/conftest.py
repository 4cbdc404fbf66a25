"""Parking fixtures: a venue with a lot, an event there, guests holding tickets."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from loopin.parking.models import BandKind, ParkingLot, ParkingPriceBand
from loopin.participation.attendance import attendance_confirm
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory, VenueFactory


def make_lot(venue: Any, *, spaces: int = 10, base_rate: str = "50.00", **fields: Any) -> ParkingLot:
    return ParkingLot.objects.create(
        venue=venue,
        name=fields.pop("name", "North lot"),
        spaces=spaces,
        latitude=Decimal("12.971000"),
        longitude=Decimal("77.594000"),
        base_rate=Decimal(base_rate),
        **fields,
    )


def band(lot: ParkingLot, kind: str, threshold: int, multiplier: str) -> ParkingPriceBand:
    return ParkingPriceBand.objects.create(lot=lot, kind=kind, threshold=threshold, multiplier=Decimal(multiplier))


def event_at(venue: Any, *, starts_in: timedelta = timedelta(days=3), hours: int = 2, **kwargs: Any) -> Any:
    start = timezone.now() + starts_in
    return PublishedEventFactory(venue=venue, start_at=start, end_at=start + timedelta(hours=hours), **kwargs)


def guest(event: Any, **user: Any) -> Any:
    person = UserWithProfileFactory(**user)
    attendance_confirm(user=person, event_id=event.id)
    return person


@pytest.fixture
def owner(db: None) -> Any:
    return UserWithProfileFactory(name="Venue Owner")


@pytest.fixture
def venue(owner: Any) -> Any:
    return VenueFactory(created_by=owner)


@pytest.fixture
def lot(venue: Any) -> ParkingLot:
    """10 spaces at 50/hour; 2-hour event + 1 h before + 1 h after = 4 hours = 200.00 before bands."""
    return make_lot(venue)


@pytest.fixture
def event(venue: Any) -> Any:
    return event_at(venue)


__all__ = ["BandKind", "band", "event_at", "guest", "make_lot"]
