"""Only the host and that event's door staff use the door; the host manages staff, keys and settings."""

from __future__ import annotations

import pytest

from loopin.audit.models import AuditEntry
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for
from loopin.tickets.models import DoorStaff, Scan
from loopin.tickets.tests.conftest import open_event

DOOR_CALLS = [
    ("post", "/check-in", {"code": "ABCDEFGH", "nonce": "perm-nonce-1"}),
    (
        "post",
        "/check-in/batch",
        {"scans": [{"code": "ABCDEFGH", "nonce": "perm-nonce-2", "scanned_at": "2026-01-01T10:00:00Z"}]},
    ),
    ("get", "/check-in/keys", None),
    ("get", "/check-in/revoked", None),
    ("get", "/check-in/settings", None),
    ("get", "/check-in/search?q=Asha", None),
    ("get", "/check-in/stats", None),
    ("get", "/check-in/scans", None),
]
HOST_CALLS = [
    ("post", "/check-in/keys/rotate", None),
    ("put", "/check-in/settings", {"reentry_allowed": True}),
    ("get", "/staff", None),
    ("post", "/staff", {"phone_number": "+919800000001"}),
]


def _call(door, method, path, body, headers):
    kwargs = {"headers": headers}
    if body is not None:
        kwargs["json"] = body
    return getattr(door.api, method)(f"/api/v2/events/{door.event.id}{path}", **kwargs)


@pytest.mark.parametrize(("method", "path", "body"), DOOR_CALLS)
def test_a_stranger_gets_403_at_the_door(door, method, path, body):
    r = _call(door, method, path, body, token_for(UserWithProfileFactory()))
    assert (r.status_code, r.json()["error_code"]) == (403, "NOT_DOOR_STAFF")


@pytest.mark.parametrize(("method", "path", "body"), HOST_CALLS)
def test_a_stranger_gets_403_for_the_hosts_part(door, method, path, body):
    r = _call(door, method, path, body, token_for(UserWithProfileFactory()))
    assert (r.status_code, r.json()["error_code"]) == (403, "NOT_EVENT_HOST")


@pytest.mark.parametrize(("method", "path", "body"), DOOR_CALLS + HOST_CALLS)
def test_without_a_token_401(door, method, path, body):
    r = _call(door, method, path, body, {})
    assert r.status_code == 401


def test_the_ticket_holder_cannot_scan_their_own_ticket(door):
    r = door.scan(code=door.ticket.code, headers=door.guest_headers)
    assert r.status_code == 403
    assert Scan.objects.count() == 0


@pytest.mark.parametrize(("method", "path", "body"), DOOR_CALLS)
def test_door_staff_may_use_the_door(door, method, path, body):
    staff = UserWithProfileFactory()
    DoorStaff.objects.create(event=door.event, user=staff)
    assert _call(door, method, path, body, token_for(staff)).status_code == 200


@pytest.mark.parametrize(("method", "path", "body"), HOST_CALLS)
def test_door_staff_may_not_do_the_hosts_part(door, method, path, body):
    staff = UserWithProfileFactory()
    DoorStaff.objects.create(event=door.event, user=staff)
    r = _call(door, method, path, body, token_for(staff))
    assert (r.status_code, r.json()["error_code"]) == (403, "NOT_EVENT_HOST")


def test_staff_of_another_event_gets_403(door):
    other = open_event(host=door.host)
    staff = UserWithProfileFactory()
    DoorStaff.objects.create(event=other, user=staff)
    r = door.scan(code=door.ticket.code, headers=token_for(staff))
    assert (r.status_code, r.json()["error_code"]) == (403, "NOT_DOOR_STAFF")


def test_unknown_event_is_404(door):
    r = door.api.get("/api/v2/events/00000000-0000-0000-0000-000000000000/check-in/stats", headers=door.host_headers)
    assert (r.status_code, r.json()["error_code"]) == (404, "EVENT_NOT_FOUND")


def test_host_adds_staff_by_phone_then_they_scan(door):
    staff = UserWithProfileFactory(phone_number="+919876500001", name="Sam Staff")
    r = door.api.post(
        f"/api/v2/events/{door.event.id}/staff", json={"phone_number": "98765 00001"}, headers=door.host_headers
    )
    assert r.status_code == 201
    assert (r.json()["data"]["user_id"], r.json()["data"]["name"], r.json()["data"]["phone_number"]) == (
        str(staff.id),
        "Sam Staff",
        "+91******0001",
    )
    assert door.status(code=door.ticket.code, headers=token_for(staff)) == "ok"
    assert Scan.objects.get().scanned_by_id == staff.id
    assert AuditEntry.objects.filter(action="checkin.staff_added", subject=staff).count() == 1


def test_host_adds_staff_by_user_id_twice_without_duplicates(door):
    staff = UserWithProfileFactory()
    for _ in range(2):
        r = door.api.post(
            f"/api/v2/events/{door.event.id}/staff", json={"user_id": str(staff.id)}, headers=door.host_headers
        )
        assert r.status_code == 201
    listed = door.api.get(f"/api/v2/events/{door.event.id}/staff", headers=door.host_headers).json()["data"]
    assert [(s["user_id"], s["picture"]) for s in listed] == [(str(staff.id), f"https://example.com/{staff.id}.jpg")]


def test_adding_an_unknown_number_is_404(door):
    r = door.api.post(
        f"/api/v2/events/{door.event.id}/staff", json={"phone_number": "+919811111111"}, headers=door.host_headers
    )
    assert (r.status_code, r.json()["error_code"]) == (404, "USER_NOT_FOUND")


def test_adding_needs_exactly_one_of_user_id_or_phone(door):
    r = door.api.post(f"/api/v2/events/{door.event.id}/staff", json={}, headers=door.host_headers)
    assert (r.status_code, r.json()["error_code"]) == (422, "VALIDATION_ERROR")


def test_removed_staff_can_no_longer_scan(door):
    staff = UserWithProfileFactory()
    DoorStaff.objects.create(event=door.event, user=staff)
    r = door.api.delete(f"/api/v2/events/{door.event.id}/staff/{staff.id}", headers=door.host_headers)
    assert r.status_code == 200
    assert door.scan(code=door.ticket.code, headers=token_for(staff)).status_code == 403
    again = door.api.delete(f"/api/v2/events/{door.event.id}/staff/{staff.id}", headers=door.host_headers)
    assert (again.status_code, again.json()["error_code"]) == (404, "STAFF_NOT_FOUND")


def test_host_removes_staff_by_phone_number(door):
    staff = UserWithProfileFactory(phone_number="+919876500002")
    DoorStaff.objects.create(event=door.event, user=staff)
    r = door.api.delete(
        f"/api/v2/events/{door.event.id}/staff", params={"phone_number": "+91 98765 00002"}, headers=door.host_headers
    )
    assert r.status_code == 200
    assert DoorStaff.objects.count() == 0
    none = door.api.delete(f"/api/v2/events/{door.event.id}/staff", headers=door.host_headers)
    assert (none.status_code, none.json()["error_code"]) == (422, "VALIDATION_ERROR")
