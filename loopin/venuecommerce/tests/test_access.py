"""The venue's permission table: the owner does everything, each role what ROLE_ACTIONS lists (once accepted),
Loopin staff what their Django permissions cover (audited), anyone else nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from loopin.audit.models import AuditEntry
from loopin.core.errors import PermissionDenied
from loopin.testing.factories import UserWithProfileFactory
from loopin.venuecommerce.access import ROLE_ACTIONS, ensure_venue_may, venue_may
from loopin.venuecommerce.tests.conftest import staff_member

ACTIONS = ["view_staff", "staff", "menu", "stock", "orders", "parking", "door"]
EXPECTED = {
    "manager": set(ACTIONS),
    "concessions": {"stock", "orders"},
    "parking": {"parking"},
    "door": {"door"},
}


def test_the_table_says_what_each_role_may_do():
    assert {role: {a for a in ACTIONS if role in ROLE_ACTIONS[a]} for role in EXPECTED} == EXPECTED


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_an_accepted_role_has_exactly_its_powers(world, role):
    person = staff_member(world.venue, role)
    assert {a for a in ACTIONS if venue_may(person, world.venue, a)} == EXPECTED[role]


def test_an_invited_person_has_no_powers_until_they_accept(world):
    person = staff_member(world.venue, "manager", accepted=False)
    assert [a for a in ACTIONS if venue_may(person, world.venue, a)] == []


def test_the_owner_may_do_everything_and_a_stranger_nothing(world):
    stranger = UserWithProfileFactory()
    assert [a for a in ACTIONS if venue_may(world.owner, world.venue, a)] == ACTIONS
    assert [a for a in ACTIONS if venue_may(stranger, world.venue, a)] == []
    with pytest.raises(PermissionDenied) as exc:
        ensure_venue_may(stranger, world.venue, "orders")
    assert (exc.value.code, exc.value.details) == (
        "VENUE_ROLE_REQUIRED",
        {"roles": ["concessions", "manager", "owner"]},
    )


def test_is_staff_alone_gives_nothing_but_the_permissions_do_and_are_audited(world):
    staff = UserWithProfileFactory(is_staff=True)
    assert venue_may(staff, world.venue, "orders") is False
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="venuecommerce", codename__in=["view_venueorder", "change_venueorder"]
        )
    )
    staff = type(staff).objects.get(id=staff.id)  # a fresh permission cache
    assert [a for a in ACTIONS if venue_may(staff, world.venue, a)] == ["orders"]
    ensure_venue_may(staff, world.venue, "orders")
    entry = AuditEntry.objects.get(action="staff.venue_access")
    assert (entry.actor_id, entry.data["action"]) == (staff.id, "orders")
