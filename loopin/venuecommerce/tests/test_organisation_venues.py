"""An organisation's venue: its members act by the venue role their organisation role maps to (the one mapping,
`ORGANISATION_VENUE_ROLES`), read fresh on every check; the member who added it holds nothing by that alone; the
one rule `venues_for` is what every check asks. And editing a venue's details (`PATCH /api/v2/venues/{id}`)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from loopin.audit.models import AuditEntry
from loopin.events.services.venues import VenueInput, venue_create
from loopin.organisations.services import member_change_role, member_remove
from loopin.organisations.tests.conftest import add_member, make_org
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory, VenueFactory
from loopin.testing.fixtures import token_for
from loopin.venuecommerce.access import ORGANISATION_VENUE_ROLES, venue_door_may, venue_may, venues_for
from loopin.venuecommerce.models import VenueStaff
from loopin.venuecommerce.tests.conftest import staff_member

ACTIONS = ["venue", "managers", "view_staff", "staff", "menu", "stock", "orders", "parking_lots", "parking", "door"]
EVERYTHING = set(ACTIONS)
MANAGER = EVERYTHING - {"managers"}
# The table docs/COMMERCE.md shows: what each organisation role may do at the organisation's venues.
EXPECTED = {"owner": EVERYTHING, "admin": EVERYTHING, "manager": MANAGER, "agent": set(), "door": {"door"}}

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_and_venue():
    org = make_org()
    creator = add_member(org.organisation, "manager")
    data = VenueInput(name="The Brewhouse Rooftop", city="Bengaluru", organisation_id=org.organisation.id)
    return org, creator, venue_create(user=creator, data=data)


def test_the_mapping_is_owner_and_admin_to_owner_manager_to_manager_door_to_door():
    assert ORGANISATION_VENUE_ROLES == {"owner": "owner", "admin": "owner", "manager": "manager", "door": "door"}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_organisation_role_has_exactly_its_mapped_powers_at_the_organisations_venue(org_and_venue, role):
    org, _, venue = org_and_venue
    member = org.member(role)
    assert {a for a in ACTIONS if venue_may(member, venue, a)} == EXPECTED[role]
    assert {a for a in ACTIONS if venues_for(member, a).filter(id=venue.id).exists()} == EXPECTED[role]


def test_the_member_who_added_it_holds_nothing_once_removed_and_a_role_change_acts_at_once(org_and_venue):
    org, creator, venue = org_and_venue
    assert venue.created_by_id == creator.id
    assert venue_may(creator, venue, "menu") is True
    member_remove(user=org.owner, organisation_id=org.organisation.id, user_id=creator.id)
    assert [a for a in ACTIONS if venue_may(creator, venue, a)] == []
    member_change_role(user=org.owner, organisation_id=org.organisation.id, user_id=org.manager.id, role="door")
    assert {a for a in ACTIONS if venue_may(org.manager, venue, a)} == {"door"}


def test_another_organisations_members_have_no_power_at_its_venue(org_and_venue):
    _, _, venue = org_and_venue
    other = make_org("nightowls")
    for role in EXPECTED:
        assert [a for a in ACTIONS if venue_may(other.member(role), venue, a)] == [], role


def test_the_venue_door_is_its_organisations_door_members_and_managers_not_agents(org_and_venue):
    org, _, venue = org_and_venue
    event = PublishedEventFactory(venue=venue)
    allowed = {role for role in EXPECTED if venue_door_may(org.member(role), event)}
    assert allowed == {"owner", "admin", "manager", "door"}


def test_explicit_staff_keep_their_role_beside_an_organisation_role(org_and_venue):
    org, _, venue = org_and_venue
    cook = staff_member(venue, "concessions")
    assert {a for a in ACTIONS if venue_may(cook, venue, a)} == {"stock", "orders"}
    VenueStaff.objects.create(venue=venue, user=org.door, role="parking", accepted_at=timezone.now())
    assert {a for a in ACTIONS if venue_may(org.door, venue, a)} == {"door", "parking"}


def test_a_personal_venue_is_its_owners_alone_whatever_organisations_they_are_in():
    org = make_org()
    venue = VenueFactory(created_by=org.manager)
    assert {a for a in ACTIONS if venue_may(org.manager, venue, a)} == EVERYTHING
    assert [a for a in ACTIONS if venue_may(org.owner, venue, a)] == []


# ---------------------------------------------------------------- editing a venue


def test_the_owner_edits_a_venue_and_changing_the_place_unverifies_it(api, world):
    world.venue.is_verified = True
    world.venue.save(update_fields=["is_verified"])
    headers = token_for(world.owner)
    r = api.patch(f"/api/v2/venues/{world.venue.id}", json={"capacity": 300, "venue_type": "outdoor"}, headers=headers)
    assert r.status_code == 200
    data = r.json()["data"]
    assert (data["capacity"], data["venue_type"], data["is_verified"], data["organisation"]) == (
        300,
        "outdoor",
        True,
        None,
    )
    r = api.patch(
        f"/api/v2/venues/{world.venue.id}",
        json={"name": "The New Courtyard", "latitude": "12.981600", "longitude": "77.604600"},
        headers=headers,
    )
    data = r.json()["data"]
    assert (data["name"], data["latitude"], data["longitude"], data["is_verified"]) == (
        "The New Courtyard",
        12.9816,
        77.6046,
        False,
    )
    world.venue.refresh_from_db()
    assert (world.venue.latitude, world.venue.is_verified) == (Decimal("12.981600"), False)
    entries = AuditEntry.objects.filter(action="venue.updated", object_id=str(world.venue.id)).order_by("created_at")
    assert [e.data["fields"] for e in entries] == [
        ["capacity", "venue_type"],
        ["latitude", "longitude", "name", "is_verified"],
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"latitude": "12.9"}, "body"), ({"name": None}, "name"), ({"colour": "red"}, "colour"), ({"name": "x"}, "name")],
)
def test_a_bad_edit_is_refused_with_422_and_changes_nothing(api, world, body, field):
    r = api.patch(f"/api/v2/venues/{world.venue.id}", json=body, headers=token_for(world.owner))
    assert (r.status_code, r.json()["error_code"]) == (422, "VALIDATION_ERROR")
    assert field in r.text
    world.venue.refresh_from_db()
    assert world.venue.name != "x"


def test_a_manager_edits_concessions_staff_do_not(api, world):
    manager = staff_member(world.venue, "manager")
    cook = staff_member(world.venue, "concessions")
    path = f"/api/v2/venues/{world.venue.id}"
    assert api.patch(path, json={"capacity": 80}, headers=token_for(manager)).status_code == 200
    r = api.patch(path, json={"capacity": 90}, headers=token_for(cook))
    assert (r.status_code, r.json()["error_code"], r.json()["details"]) == (
        403,
        "VENUE_ROLE_REQUIRED",
        {"roles": ["manager", "owner"]},
    )
    world.venue.refresh_from_db()
    assert (world.venue.capacity, world.venue.updated_by_id) == (80, manager.id)


def test_staff_edit_a_venue_only_with_change_venue_and_it_is_audited(api, world):
    staff = UserWithProfileFactory(is_staff=True)
    path = f"/api/v2/venues/{world.venue.id}"
    assert api.patch(path, json={"capacity": 10}, headers=token_for(staff)).status_code == 403
    staff.user_permissions.add(Permission.objects.get(content_type__app_label="events", codename="change_venue"))
    assert api.patch(path, json={"capacity": 10}, headers=token_for(staff)).status_code == 200
    entry = AuditEntry.objects.get(action="staff.venue_access", actor=staff)
    assert entry.data == {"action": "venue", "permissions": ["events.change_venue"]}
