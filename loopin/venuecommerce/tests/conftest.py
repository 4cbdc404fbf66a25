"""A venue with an owner, a counter and a small menu, and an event there in its ordering window with a guest
holding a ticket (free and priced things, counted and not)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from loopin.participation.attendance import attendance_confirm
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory, VenueFactory
from loopin.venuecommerce.models import Counter, MenuItem, MenuVariant, StaffRole, VenueStaff


@dataclass
class World:
    owner: Any
    venue: Any
    event: Any
    counter: Any
    guest: Any
    water: MenuVariant  # free, 5 counted
    chai: MenuVariant  # 40.00 + 5 % GST, not counted
    tee: MenuVariant  # 799.00 + 12 % GST, 3 counted


def guest_with_ticket(event: Any) -> Any:
    guest = UserWithProfileFactory()
    attendance_confirm(user=guest, event_id=event.id)
    return guest


def staff_member(venue: Any, role: str, *, accepted: bool = True) -> Any:
    user = UserWithProfileFactory()
    VenueStaff.objects.create(venue=venue, user=user, role=role, accepted_at=timezone.now() if accepted else None)
    return user


def start_now(event: Any) -> None:
    """Move the event so it is under way (started 10 minutes ago, 2 hours to go)."""
    now = timezone.now()
    type(event).objects.filter(id=event.id).update(
        start_at=now - timedelta(minutes=10), end_at=now + timedelta(hours=2)
    )
    event.refresh_from_db()


@pytest.fixture
def world(interests: list[Any]) -> World:
    owner = UserWithProfileFactory(is_host=True)
    venue = VenueFactory(created_by=owner)
    start = timezone.now() + timedelta(minutes=30)  # doors (check-in) open 60 minutes before: open now
    event = PublishedEventFactory(venue=venue, start_at=start, end_at=start + timedelta(hours=3))
    counter = Counter.objects.create(venue=venue, name="Main bar", location_hint="Ground floor")
    water_item = MenuItem.objects.create(venue=venue, name="Water", kind="drink", gst_rate=Decimal("0"))
    chai_item = MenuItem.objects.create(venue=venue, name="Masala chai", kind="drink", gst_rate=Decimal("5"))
    tee_item = MenuItem.objects.create(venue=venue, name="Tour tee", kind="merchandise", gst_rate=Decimal("12"))
    return World(
        owner=owner,
        venue=venue,
        event=event,
        counter=counter,
        guest=guest_with_ticket(event),
        water=MenuVariant.objects.create(item=water_item, name="500 ml", price=Decimal("0.00"), stock=5),
        chai=MenuVariant.objects.create(item=chai_item, name="Cup", price=Decimal("40.00")),
        tee=MenuVariant.objects.create(item=tee_item, name="M", price=Decimal("799.00"), stock=3),
    )


@pytest.fixture
def concessions_staff(world: World) -> Any:
    return staff_member(world.venue, StaffRole.CONCESSIONS)
