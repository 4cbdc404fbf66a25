"""Join requests: asking, the host's decisions (one and in bulk), withdrawing, and every refusal."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loopin.audit.models import AuditEntry
from loopin.events.models import EventStatus, JoinMode, JoinRequest
from loopin.testing.factories import NewUserFactory, PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for
from loopin.tickets.models import Ticket


@pytest.fixture
def host(api):
    return UserWithProfileFactory()


@pytest.fixture
def event(host):
    return PublishedEventFactory(host=host, join_mode=JoinMode.APPROVAL, capacity=10, allow_plus_one=True)


def _ask(api, event, user, **body):
    return api.post(f"/api/v2/events/{event.id}/requests", json=body, headers=token_for(user))


def test_ask_and_be_accepted_on_a_free_event(api, host, event):
    guest = UserWithProfileFactory(name="Meera Iyer")
    r = _ask(api, event, guest, message="Can I bring a friend?", seats_requested=2)
    assert r.status_code == 201
    req = r.json()["data"]
    assert (req["status"], req["seats_requested"], req["message"]) == ("pending", 2, "Can I bring a friend?")

    listed = api.get(f"/api/v2/events/{event.id}/requests", headers=token_for(host)).json()
    assert listed["meta"]["total"] == 1
    assert listed["data"][0]["requester"]["name"] == "Meera Iyer"
    assert listed["data"][0]["requester"]["picture"] == f"https://example.com/{guest.id}.jpg"

    r = api.put(
        f"/api/v2/events/{event.id}/requests/{req['id']}/accept",
        json={"host_message": "See you!"},
        headers=token_for(host),
    )
    assert r.status_code == 200
    assert (r.json()["data"]["status"], r.json()["data"]["host_message"]) == ("accepted", "See you!")
    # Accepted: the seats are held until the RSVP deadline; the guest is going once they confirm.
    assert not Ticket.objects.filter(event=event, user=guest).exists()
    event.refresh_from_db()
    assert (event.seats_taken, event.going_count) == (2, 0)
    mine = api.get(f"/api/v2/events/{event.id}/my-request", headers=token_for(guest)).json()["data"]
    assert mine["status"] == "accepted"
    assert api.get(f"/api/v2/events/{event.id}", headers=token_for(guest)).json()["data"]["my_status"] == "accepted"
    r = api.post(f"/api/v2/events/{event.id}/confirm-attendance", json={"seats": 2}, headers=token_for(guest))
    assert r.status_code == 201, r.text
    ticket = Ticket.objects.get(event=event, user=guest)
    assert (ticket.status, ticket.seats, ticket.source) == ("valid", 2, "request")
    event.refresh_from_db()
    assert (event.seats_taken, event.going_count) == (2, 1)  # the held seats became the ticket's
    assert api.get(f"/api/v2/events/{event.id}", headers=token_for(guest)).json()["data"]["my_status"] == "going"
    assert AuditEntry.objects.filter(action="join_request.accepted", object_id=req["id"]).count() == 1


def test_decline_with_a_note(api, host, event):
    guest = UserWithProfileFactory()
    req_id = _ask(api, event, guest).json()["data"]["id"]
    r = api.put(
        f"/api/v2/events/{event.id}/requests/{req_id}/decline",
        json={"host_message": "Full, sorry"},
        headers=token_for(host),
    )
    assert r.json()["data"]["status"] == "declined"
    assert Ticket.objects.count() == 0
    r = api.put(f"/api/v2/events/{event.id}/requests/{req_id}/accept", json={}, headers=token_for(host))
    assert r.status_code == 400 and r.json()["error_code"] == "REQUEST_NOT_PENDING"
    # A declined person may ask again.
    assert _ask(api, event, guest).status_code == 201


def test_accepting_on_a_paid_event_grants_the_right_to_buy_only(api, host):
    paid = PublishedEventFactory(host=host, join_mode=JoinMode.APPROVAL, is_paid=True, ticket_price=Decimal("250"))
    guest = UserWithProfileFactory()
    req_id = _ask(api, paid, guest).json()["data"]["id"]
    r = api.put(f"/api/v2/events/{paid.id}/requests/{req_id}/accept", json={}, headers=token_for(host))
    assert r.json()["data"]["status"] == "accepted"
    assert Ticket.objects.count() == 0
    paid.refresh_from_db()
    assert paid.seats_taken == 0
    assert api.get(f"/api/v2/events/{paid.id}", headers=token_for(guest)).json()["data"]["my_status"] == "accepted"


def test_accept_when_full_is_409(api, host):
    small = PublishedEventFactory(host=host, join_mode=JoinMode.APPROVAL, capacity=1)
    first, second = UserWithProfileFactory(), UserWithProfileFactory()
    r1 = _ask(api, small, first).json()["data"]["id"]
    r2 = _ask(api, small, second).json()["data"]["id"]
    assert (
        api.put(f"/api/v2/events/{small.id}/requests/{r1}/accept", json={}, headers=token_for(host)).status_code == 200
    )
    r = api.put(f"/api/v2/events/{small.id}/requests/{r2}/accept", json={}, headers=token_for(host))
    assert r.status_code == 409
    assert r.json()["error_code"] == "CAPACITY_EXCEEDED"
    assert r.json()["details"] == {"seats_left": 0}
    assert JoinRequest.objects.get(id=r2).status == "pending"


def test_refusals(api, host, event):
    guest = UserWithProfileFactory(gender="male")
    cases = [
        (host, event, {}, 400, "OWN_EVENT"),
        (guest, PublishedEventFactory(join_mode=JoinMode.OPEN), {}, 400, "REQUEST_NOT_NEEDED"),
        (guest, PublishedEventFactory(join_mode=JoinMode.INVITE_ONLY), {}, 400, "INVITE_ONLY"),
        (
            guest,
            PublishedEventFactory(join_mode=JoinMode.APPROVAL, status=EventStatus.POSTPONED),
            {},
            400,
            "EVENT_NOT_PUBLISHED",
        ),
        (
            guest,
            PublishedEventFactory(
                join_mode=JoinMode.APPROVAL,
                start_at=timezone.now() - timedelta(minutes=5),
                end_at=timezone.now() + timedelta(hours=1),
            ),
            {},
            400,
            "EVENT_STARTED",
        ),
        (
            guest,
            PublishedEventFactory(join_mode=JoinMode.APPROVAL, allowed_genders=["female", "non_binary"]),
            {},
            400,
            "GENDER_RESTRICTED",
        ),
        (guest, PublishedEventFactory(join_mode=JoinMode.APPROVAL), {"seats_requested": 2}, 400, "TOO_MANY_SEATS"),
        (NewUserFactory(), event, {}, 403, "PROFILE_INCOMPLETE"),
        (
            guest,
            PublishedEventFactory(join_mode=JoinMode.APPROVAL, status=EventStatus.DRAFT),
            {},
            404,
            "EVENT_NOT_FOUND",
        ),
    ]
    for user, target, body, status, code in cases:
        r = _ask(api, target, user, **body)
        assert (r.status_code, r.json()["error_code"]) == (status, code), code
    # Seats per order are the tier's rule now (a tier may sell tables of 4); the event's default tier allows 1.
    r = _ask(api, event, guest, seats_requested=3)
    assert (r.status_code, r.json()["error_code"]) == (400, "TOO_MANY_SEATS")
    assert _ask(api, event, guest, seats_requested=11).status_code == 422
    assert _ask(api, event, guest).status_code == 201
    r = _ask(api, event, guest)
    assert (r.status_code, r.json()["error_code"]) == (409, "REQUEST_EXISTS")
    assert JoinRequest.objects.count() == 1


def test_someone_going_cannot_ask_again(api, host, event):
    guest = UserWithProfileFactory()
    req_id = _ask(api, event, guest).json()["data"]["id"]
    api.put(f"/api/v2/events/{event.id}/requests/{req_id}/accept", json={}, headers=token_for(host))
    api.post(f"/api/v2/events/{event.id}/confirm-attendance", json={}, headers=token_for(guest))
    r = _ask(api, event, guest)
    assert (r.status_code, r.json()["error_code"]) == (409, "ALREADY_GOING")


def test_bulk_action_reports_each_item(api, host):
    small = PublishedEventFactory(host=host, join_mode=JoinMode.APPROVAL, capacity=2)
    guests = [UserWithProfileFactory() for _ in range(3)]
    ids = [_ask(api, small, g).json()["data"]["id"] for g in guests]
    unknown = str(uuid.uuid4())
    r = api.post(
        f"/api/v2/events/{small.id}/requests/bulk-action",
        json={"request_ids": [*ids, unknown], "action": "accept"},
        headers=token_for(host),
    )
    assert r.status_code == 200
    results = r.json()["data"]
    assert [(x["ok"], x["status"], x["error_code"]) for x in results] == [
        (True, "accepted", None),
        (True, "accepted", None),
        (False, None, "CAPACITY_EXCEEDED"),
        (False, None, "REQUEST_NOT_FOUND"),
    ]
    assert r.json()["message"] == "2 of 4 requests accepted"
    declined = _ask(api, small, UserWithProfileFactory()).json()["data"]["id"]
    r = api.post(
        f"/api/v2/events/{small.id}/requests/bulk-action",
        json={"request_ids": [declined], "action": "decline"},
        headers=token_for(host),
    )
    assert r.json()["message"] == "1 of 1 requests declined"
    r = api.post(
        f"/api/v2/events/{small.id}/requests/bulk-action",
        json={"request_ids": [str(uuid.uuid4())] * 101, "action": "accept"},
        headers=token_for(host),
    )
    assert r.status_code == 422


def test_filter_requests_by_status(api, host, event):
    a, b = UserWithProfileFactory(), UserWithProfileFactory()
    ra = _ask(api, event, a).json()["data"]["id"]
    _ask(api, event, b)
    api.put(f"/api/v2/events/{event.id}/requests/{ra}/decline", json={}, headers=token_for(host))
    r = api.get(f"/api/v2/events/{event.id}/requests", params={"status": "pending"}, headers=token_for(host))
    assert [x["requester"]["id"] for x in r.json()["data"]] == [str(b.id)]


def test_requester_lists_and_cancels(api, host, event):
    guest = UserWithProfileFactory()
    req_id = _ask(api, event, guest).json()["data"]["id"]
    api.put(f"/api/v2/events/{event.id}/requests/{req_id}/accept", json={}, headers=token_for(host))
    mine = api.get("/api/v2/me/requests", headers=token_for(guest)).json()
    assert mine["meta"]["total"] == 1
    assert mine["data"][0]["event"]["id"] == str(event.id)
    r = api.delete(f"/api/v2/events/{event.id}/my-request", headers=token_for(guest))
    assert r.status_code == 200 and r.json()["data"]["status"] == "cancelled"
    event.refresh_from_db()
    assert (event.seats_taken, event.going_count) == (0, 0)  # the held seat went back
    assert not Ticket.objects.filter(user=guest).exists()
    r = api.delete(f"/api/v2/events/{event.id}/my-request", headers=token_for(guest))
    assert r.status_code == 404


def test_only_the_host_sees_and_decides(api, host, event):
    guest, stranger = UserWithProfileFactory(), UserWithProfileFactory()
    req_id = _ask(api, event, guest).json()["data"]["id"]
    for method, url in [
        ("get", f"/api/v2/events/{event.id}/requests"),
        ("put", f"/api/v2/events/{event.id}/requests/{req_id}/accept"),
    ]:
        r = api.request(method, url, json={}, headers=token_for(stranger))
        assert (r.status_code, r.json()["error_code"]) == (403, "NOT_EVENT_HOST")
        assert api.request(method, url, json={}).status_code == 401
    staff = UserWithProfileFactory(is_staff=True, is_superuser=True)  # has events.change_joinrequest
    r = api.put(f"/api/v2/events/{event.id}/requests/{req_id}/accept", json={}, headers=token_for(staff))
    assert r.status_code == 200
