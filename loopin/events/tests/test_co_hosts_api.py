"""Co-hosts over HTTP: the host asks, the person is notified and accepts, then manages requests, invitations and the
door but never the event itself nor money; removal ends it at once; strangers get 403/404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from loopin.audit.models import AuditEntry
from loopin.events.models import CoHost, EventStatus, JoinMode, JoinRequest
from loopin.notifications.models import Notification
from loopin.people.models import PersonProfile
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for
from loopin.tickets.models import DoorStaff


@pytest.fixture
def host(api):
    return UserWithProfileFactory(name="Asha Host")


@pytest.fixture
def event(host):
    return PublishedEventFactory(host=host, join_mode=JoinMode.APPROVAL, capacity=10, title="Rooftop jazz")


@pytest.fixture
def maya(api):
    person = UserWithProfileFactory(name="Maya Co")
    PersonProfile.objects.update_or_create(user=person, defaults={"handle": "maya.k"})
    return person


def _base(event):
    return f"/api/v2/events/{event.id}/co-hosts"


def _make_co_host(api, event, host, person):
    r = api.post(_base(event), json={"handle": "maya.k"}, headers=token_for(host))
    assert r.status_code == 201, r.text
    r = api.post(_base(event) + "/me/accept", headers=token_for(person))
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_the_host_asks_by_handle_the_person_is_notified_and_accepts(api, event, host, maya):
    r = api.post(_base(event), json={"handle": "@maya.k", "can_see_phone_numbers": True}, headers=token_for(host))
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert (data["user_id"], data["name"], data["handle"], data["status"], data["can_see_phone_numbers"]) == (
        str(maya.id), "Maya Co", "maya.k", "invited", True,
    )  # fmt: skip
    note = Notification.objects.get(user=maya, type="co_host.invited")
    assert (note.title, note.object_id) == ("Co-host Rooftop jazz?", str(event.id))
    assert note.body.startswith("Asha Host asked you to co-host Rooftop jazz on ")

    mine = api.get(_base(event) + "/me", headers=token_for(maya)).json()["data"]
    assert mine["status"] == "invited"
    r = api.post(_base(event) + "/me/accept", headers=token_for(maya))
    assert (r.status_code, r.json()["data"]["status"]) == (200, "accepted")
    listed = api.get(_base(event), headers=token_for(maya)).json()["data"]
    assert [(c["user_id"], c["status"]) for c in listed] == [(str(maya.id), "accepted")]
    detail = api.get(f"/api/v2/events/{event.id}", headers=token_for(maya)).json()["data"]
    assert (detail["my_role"], detail["is_host"]) == ("co_host", False)
    assert api.get(f"/api/v2/events/{event.id}", headers=token_for(host)).json()["data"]["my_role"] == "host"


def test_a_co_host_accepts_a_request_invites_and_manages_door_staff(api, event, host, maya):
    _make_co_host(api, event, host, maya)
    headers = token_for(maya)
    req = JoinRequest.objects.create(event=event, user=UserWithProfileFactory())
    assert api.get(f"/api/v2/events/{event.id}/requests", headers=headers).json()["meta"]["total"] == 1
    r = api.put(f"/api/v2/events/{event.id}/requests/{req.id}/accept", json={}, headers=headers)
    assert (r.status_code, r.json()["data"]["status"]) == (200, "accepted")
    guest = UserWithProfileFactory()
    r = api.post(f"/api/v2/events/{event.id}/invitations", json={"user_ids": [str(guest.id)]}, headers=headers)
    assert r.status_code == 201, r.text
    assert api.post(f"/api/v2/events/{event.id}/invite-links", json={}, headers=headers).status_code == 201
    assert api.get(f"/api/v2/events/{event.id}/attendees", headers=headers).status_code == 200
    door = UserWithProfileFactory()
    r = api.post(f"/api/v2/events/{event.id}/staff", json={"user_id": str(door.id)}, headers=headers)
    assert r.status_code == 201, r.text
    assert DoorStaff.objects.filter(event=event, user=door, added_by=maya).exists()
    assert api.get(f"/api/v2/events/{event.id}/check-in/stats", headers=headers).status_code == 200
    r = api.get(f"/api/v2/events/{event.id}/check-in/stats", headers=token_for(UserWithProfileFactory()))
    assert (r.status_code, r.json()["error_code"]) == (403, "NOT_DOOR_STAFF")
    r = api.post(f"/api/v2/events/{event.id}/check-in/keys/rotate", json={}, headers=headers)
    assert (r.status_code, r.json()["error_code"]) == (403, "NOT_EVENT_HOST")  # the signing keys stay the host's
    accepted = AuditEntry.objects.get(action="join_request.accepted")
    assert accepted.actor_id == maya.id


def test_a_co_host_cannot_edit_cancel_or_delete_the_event_nor_add_co_hosts(api, event, host, maya):
    _make_co_host(api, event, host, maya)
    headers = token_for(maya)
    cases = [
        ("patch", f"/api/v2/events/{event.id}", {"description": "mine now"}),
        ("post", f"/api/v2/events/{event.id}/cancel", {}),
        ("delete", f"/api/v2/events/{event.id}", None),
        ("post", f"/api/v2/events/{event.id}/tiers", {"name": "VIP", "price": "0"}),
        ("post", _base(event), {"phone_number": UserWithProfileFactory().phone_number}),
        ("delete", f"{_base(event)}/{host.id}", None),
    ]
    for method, path, body in cases:
        r = api.request(method, path, json=body, headers=headers)
        assert (r.status_code, r.json()["error_code"]) == (403, "NOT_EVENT_HOST"), (method, path, r.text)
    event.refresh_from_db()
    assert (event.status, event.deleted_at, event.description) == (EventStatus.PUBLISHED, None, "A friendly meetup.")


def test_a_co_host_cannot_request_the_payout(api, host, maya):
    ended = PublishedEventFactory(
        host=host, start_at=timezone.now() - timedelta(hours=5), end_at=timezone.now() - timedelta(hours=3)
    )
    r = api.post(f"/api/v2/events/{ended.id}/co-hosts", json={"handle": "maya.k"}, headers=token_for(host))
    assert r.status_code == 201
    api.post(f"/api/v2/events/{ended.id}/co-hosts/me/accept", headers=token_for(maya))
    r = api.post(
        "/api/v2/payouts/requests",
        json={"event_id": str(ended.id), "bank_account_id": "00000000-0000-0000-0000-000000000001"},
        headers=token_for(maya),
    )
    assert (r.status_code, r.json()["error_code"]) == (404, "EVENT_NOT_FOUND")


def test_a_removed_co_host_loses_access_at_once(api, event, host, maya):
    _make_co_host(api, event, host, maya)
    headers = token_for(maya)
    assert api.get(f"/api/v2/events/{event.id}/requests", headers=headers).status_code == 200
    r = api.delete(f"{_base(event)}/{maya.id}", headers=token_for(host))
    assert r.status_code == 200, r.text
    r = api.get(f"/api/v2/events/{event.id}/requests", headers=headers)
    assert (r.status_code, r.json()["error_code"]) == (403, "NOT_EVENT_HOST")
    assert api.get(_base(event) + "/me", headers=headers).json()["error_code"] == "CO_HOST_NOT_FOUND"
    assert AuditEntry.objects.filter(action="co_host.removed", actor=host, subject=maya).count() == 1


def test_an_invited_person_and_strangers_get_403_or_404(api, event, host, maya):
    api.post(_base(event), json={"handle": "maya.k"}, headers=token_for(host))
    stranger = UserWithProfileFactory()
    for person in (maya, stranger):  # maya has not accepted yet
        r = api.get(f"/api/v2/events/{event.id}/requests", headers=token_for(person))
        assert (r.status_code, r.json()["error_code"]) == (403, "NOT_EVENT_HOST")
    r = api.post(_base(event) + "/me/accept", headers=token_for(stranger))
    assert (r.status_code, r.json()["error_code"]) == (404, "CO_HOST_NOT_FOUND")
    r = api.get(_base(event), headers=token_for(stranger))
    assert (r.status_code, r.json()["error_code"]) == (403, "NOT_EVENT_HOST")
    draft = PublishedEventFactory(host=host, status=EventStatus.DRAFT, published_at=None)
    r = api.get(f"/api/v2/events/{draft.id}/co-hosts", headers=token_for(stranger))
    assert (r.status_code, r.json()["error_code"]) == (404, "EVENT_NOT_FOUND")
    r = api.post(_base(event), json={"handle": "nobody.here"}, headers=token_for(host))
    assert (r.status_code, r.json()["error_code"]) == (404, "USER_NOT_FOUND")
    r = api.post(_base(event), json={"handle": "maya.k", "phone_number": "+919800000101"}, headers=token_for(host))
    assert r.status_code == 422


def test_decline_leave_and_the_co_hosted_events_list(api, event, host, maya):
    _make_co_host(api, event, host, maya)
    other = PublishedEventFactory(host=host)
    api.post(f"/api/v2/events/{other.id}/co-hosts", json={"handle": "maya.k"}, headers=token_for(host))
    assert api.post(f"/api/v2/events/{other.id}/co-hosts/me/decline", headers=token_for(maya)).status_code == 200
    assert not CoHost.objects.filter(event=other).exists()

    headers = token_for(maya)
    own = PublishedEventFactory(host=maya)
    ids = {}
    for role in ("host", "co_host", "any"):
        ids[role] = {e["id"] for e in api.get(f"/api/v2/me/events?role={role}", headers=headers).json()["data"]}
    assert ids == {"host": {str(own.id)}, "co_host": {str(event.id)}, "any": {str(own.id), str(event.id)}}
    assert api.get("/api/v2/me/events", headers=headers).json()["meta"]["total"] == 1  # default: hosted only

    r = api.delete(_base(event) + "/me", headers=headers)
    assert r.status_code == 200
    assert api.get("/api/v2/me/events?role=co_host", headers=headers).json()["data"] == []
    assert AuditEntry.objects.filter(action="co_host.left", actor=maya).count() == 1


def test_the_host_lets_a_co_host_see_phone_numbers(api, event, host, maya):
    _make_co_host(api, event, host, maya)
    r = api.patch(f"{_base(event)}/{maya.id}", json={"can_see_phone_numbers": True}, headers=token_for(host))
    assert (r.status_code, r.json()["data"]["can_see_phone_numbers"]) == (200, True)
    r = api.patch(f"{_base(event)}/{maya.id}", json={"can_see_phone_numbers": False}, headers=token_for(maya))
    assert (r.status_code, r.json()["error_code"]) == (403, "NOT_EVENT_HOST")
    assert CoHost.objects.get(event=event, user=maya).can_see_phone_numbers is True
