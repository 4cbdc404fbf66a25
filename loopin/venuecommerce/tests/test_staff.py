"""Venue staff are asked by phone or handle, get their powers when they accept, and lose them when removed."""

from __future__ import annotations

import pytest

from loopin.core.errors import Conflict, NotFound, PermissionDenied
from loopin.notifications.models import Notification
from loopin.testing.factories import UserWithProfileFactory
from loopin.venuecommerce.access import venue_may
from loopin.venuecommerce.models import VenueStaff
from loopin.venuecommerce.services.staff import (
    venue_staff_accept,
    venue_staff_add,
    venue_staff_decline,
    venue_staff_leave,
    venue_staff_remove,
)
from loopin.venuecommerce.tests.conftest import staff_member


def test_the_owner_asks_by_phone_the_person_is_notified_and_has_powers_once_they_accept(world):
    person = UserWithProfileFactory()
    row = venue_staff_add(
        actor=world.owner, venue_id=world.venue.id, role="concessions", phone_number=person.phone_number
    )
    assert (row.user_id, row.role, row.accepted_at) == (person.id, "concessions", None)
    assert venue_may(person, world.venue, "orders") is False
    note = Notification.objects.get(user=person, type="venue_staff.invited")
    assert note.title == f"Work at {world.venue.name}?"
    venue_staff_accept(user=person, venue_id=world.venue.id)
    assert venue_may(person, world.venue, "orders") is True


def test_asking_the_same_person_twice_is_409(world):
    person = UserWithProfileFactory()
    venue_staff_add(actor=world.owner, venue_id=world.venue.id, role="door", phone_number=person.phone_number)
    with pytest.raises(Conflict) as exc:
        venue_staff_add(actor=world.owner, venue_id=world.venue.id, role="parking", phone_number=person.phone_number)
    assert exc.value.code == "VENUE_STAFF_EXISTS"


def test_a_manager_asks_concessions_staff_but_not_another_manager(world):
    manager = staff_member(world.venue, "manager")
    a, b = UserWithProfileFactory(), UserWithProfileFactory()
    venue_staff_add(actor=manager, venue_id=world.venue.id, role="concessions", phone_number=a.phone_number)
    with pytest.raises(PermissionDenied) as exc:
        venue_staff_add(actor=manager, venue_id=world.venue.id, role="manager", phone_number=b.phone_number)
    assert (exc.value.code, exc.value.details) == ("VENUE_ROLE_REQUIRED", {"roles": ["owner"]})


def test_concessions_staff_cannot_ask_anyone(world, concessions_staff):
    with pytest.raises(PermissionDenied):
        venue_staff_add(
            actor=concessions_staff,
            venue_id=world.venue.id,
            role="door",
            phone_number=UserWithProfileFactory().phone_number,
        )


def test_declining_deletes_the_invitation(world):
    person = UserWithProfileFactory()
    venue_staff_add(actor=world.owner, venue_id=world.venue.id, role="door", phone_number=person.phone_number)
    venue_staff_decline(user=person, venue_id=world.venue.id)
    assert VenueStaff.objects.filter(user=person).exists() is False


def test_removal_and_leaving_end_the_powers_at_once(world, concessions_staff):
    venue_staff_remove(actor=world.owner, venue_id=world.venue.id, user_id=concessions_staff.id)
    assert venue_may(concessions_staff, world.venue, "orders") is False
    door = staff_member(world.venue, "door")
    venue_staff_leave(user=door, venue_id=world.venue.id)
    assert VenueStaff.objects.filter(venue=world.venue).count() == 0
    with pytest.raises(NotFound) as exc:
        venue_staff_leave(user=door, venue_id=world.venue.id)
    assert exc.value.code == "VENUE_STAFF_NOT_FOUND"


def test_the_owner_cannot_be_asked(world):
    with pytest.raises(Exception) as exc:
        venue_staff_add(actor=world.owner, venue_id=world.venue.id, role="door", phone_number=world.owner.phone_number)
    assert exc.value.code == "VENUE_STAFF_IS_OWNER"
