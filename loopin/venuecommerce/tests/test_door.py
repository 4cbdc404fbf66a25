"""The venue's `door` role checks tickets in at the venue's events through the tickets door (its grant):
door staff and managers of that venue may; another venue's door staff, other roles, invitees not yet accepted and
`is_staff` alone may not; Loopin staff may with `venuecommerce.work_venue_door` (audited), which the Operations
group holds (staff/0005)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from loopin.audit.models import AuditEntry
from loopin.core.errors import LoopinError
from loopin.staff.groups import FINANCE, OPERATIONS, READ_ONLY, SUPPORT
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory, VenueFactory
from loopin.testing.fixtures import staff_in, token_for
from loopin.tickets.door import ScanIn, checkin_scan
from loopin.tickets.models import Ticket
from loopin.venuecommerce.tests.conftest import staff_member

pytestmark = pytest.mark.django_db


def scan(actor, world, nonce: str = "door-nonce-1"):
    ticket = Ticket.objects.get(event=world.event, user=world.guest)
    return checkin_scan(actor=actor, event_id=world.event.id, scan=ScanIn(nonce=nonce, code=ticket.code))


def refused(actor, world) -> tuple[int, str]:
    with pytest.raises(LoopinError) as exc:
        scan(actor, world)
    return exc.value.status, exc.value.code


@pytest.mark.parametrize("role", ["door", "manager"])
def test_the_venues_door_staff_check_a_guest_in(world, role):
    result = scan(staff_member(world.venue, role), world)
    assert result["status"] == "ok"
    ticket = Ticket.objects.get(event=world.event, user=world.guest)
    assert (ticket.inside, ticket.entry_count) == (True, 1)


def test_door_staff_of_another_venue_are_refused(world):
    other = VenueFactory(created_by=UserWithProfileFactory(is_host=True))
    PublishedEventFactory(venue=other)
    assert refused(staff_member(other, "door"), world) == (403, "NOT_DOOR_STAFF")
    assert Ticket.objects.get(event=world.event, user=world.guest).entry_count == 0


@pytest.mark.parametrize("role", ["concessions", "parking"])
def test_other_roles_at_the_venue_are_refused(world, role):
    assert refused(staff_member(world.venue, role), world) == (403, "NOT_DOOR_STAFF")


def test_an_invited_door_member_is_refused_until_they_accept(world):
    assert refused(staff_member(world.venue, "door", accepted=False), world) == (403, "NOT_DOOR_STAFF")


def test_loopin_staff_scan_only_with_the_door_permission_and_are_audited(world):
    staff = UserWithProfileFactory(is_staff=True)
    assert refused(staff, world) == (403, "NOT_DOOR_STAFF")
    staff.user_permissions.add(
        Permission.objects.get(content_type__app_label="venuecommerce", codename="work_venue_door")
    )
    staff = type(staff).objects.get(id=staff.id)  # a fresh permission cache
    assert scan(staff, world, nonce="door-nonce-2")["status"] == "ok"
    entry = AuditEntry.objects.get(action="staff.venue_access")
    assert (entry.actor_id, entry.data) == (staff.id, {"action": "door", "event": str(world.event.id)})


def test_an_event_at_no_venue_is_not_opened_by_venue_roles(world):
    world.event.venue = None
    world.event.save(update_fields=["venue"])
    assert refused(staff_member(world.venue, "door"), world) == (403, "NOT_DOOR_STAFF")


def http_scan(api, actor, world, nonce: str):
    ticket = Ticket.objects.get(event=world.event, user=world.guest)
    body = {"nonce": nonce, "code": ticket.code}
    return api.post(f"/api/v2/events/{world.event.id}/check-in", json=body, headers=token_for(actor))


def test_an_operations_member_checks_a_guest_in_over_http(api, world):
    operations = staff_in(OPERATIONS)
    response = http_scan(api, operations, world, "door-ops-1")
    assert response.status_code == 200, response.text
    assert response.json()["data"]["status"] == "ok"
    ticket = Ticket.objects.get(event=world.event, user=world.guest)
    assert (ticket.inside, ticket.entry_count) == (True, 1)
    entry = AuditEntry.objects.get(action="staff.venue_access")
    assert (entry.actor_id, entry.data) == (operations.id, {"action": "door", "event": str(world.event.id)})


@pytest.mark.parametrize("group", [SUPPORT, FINANCE, READ_ONLY])
def test_staff_in_groups_without_the_door_permission_get_403(api, world, group):
    response = http_scan(api, staff_in(group), world, f"door-{group}-1")
    assert (response.status_code, response.json()["error_code"]) == (403, "NOT_DOOR_STAFF")
    assert Ticket.objects.get(event=world.event, user=world.guest).entry_count == 0
    assert not AuditEntry.objects.filter(action="staff.venue_access").exists()
