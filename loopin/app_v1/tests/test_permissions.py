"""Integer ids are guessable: every host-only or owner-only call is refused to others in both dialects."""

from __future__ import annotations

import pytest

from loopin.app_v1.tests.conftest import app_user, event_form, png
from loopin.events.models import Event, Invitation, JoinRequest


@pytest.fixture
def world(api):
    host = app_user(api, "+919800000101", "Asha Rao", "female")
    guest = app_user(api, "+919800000102", "Meera Iyer", "female")
    stranger = app_user(api, "+919800000103", "Ravi Menon")
    files = [("cover_images", ("IMG_3.jpg", png(), "image/jpeg"))]
    event_id = api.post("/api/events", data=event_form(), files=files, headers=host["headers"]).json()["id"]
    api.post(f"/api/events/{event_id}/requests", json={"message": "hi"}, headers=guest["headers"])
    api.post(f"/api/events/{event_id}/invitations", json={"user_ids": [guest["id"]]}, headers=host["headers"])
    event = Event.objects.get(number=event_id)
    request_id = JoinRequest.objects.get(event=event).number
    invite_id = Invitation.objects.get(event=event).number
    return {"host": host, "guest": guest, "stranger": stranger, "event": event, "event_id": event_id,
            "request_id": request_id, "invite_id": invite_id}  # fmt: skip


def _host_only(w):
    e, r = w["event_id"], w["request_id"]
    return [
        ("get", f"/api/events/{e}/requests", None),
        ("put", f"/api/events/{e}/requests/{r}/accept", {"host_message": ""}),
        ("put", f"/api/events/{e}", {"rsvp_expiry_policy": "48h"}),
        ("get", f"/api/events/{e}/invitations", None),
        ("post", f"/api/events/{e}/invitations", {"user_ids": [w["stranger"]["id"]]}),
        ("get", f"/api/events/users/search?event_id={e}", None),
        ("get", f"/api/events/{e}/attendees", None),
        ("get", f"/api/events/{e}/check-ins", None),
        ("post", f"/api/events/{e}/attendees/{w['guest']['id']}/check-in", {}),
        ("post", f"/api/events/{e}/check-in", {"ticket_secret": "x"}),
    ]


def test_host_only_calls_are_refused_to_guests_and_strangers_in_the_app_dialect(api, world):
    for who in ("guest", "stranger"):
        for method, url, body in _host_only(world):
            r = api.request(method, url, json=body, headers=world[who]["headers"])
            assert r.status_code in (403, 404), (who, method, url, r.status_code, r.text)
            assert r.json()["success"] is False and isinstance(r.json()["detail"], str)
    for method, url, body in _host_only(world):
        assert api.request(method, url, json=body).status_code == 401, url


def test_the_same_rows_are_refused_in_v2_by_uuid(api, world):
    event = world["event"]
    req = JoinRequest.objects.get(event=event)
    for method, url in [
        ("get", f"/api/v2/events/{event.id}/requests"),
        ("put", f"/api/v2/events/{event.id}/requests/{req.id}/accept"),
        ("get", f"/api/v2/events/{event.id}/invitations"),
        ("get", f"/api/v2/events/{event.id}/attendees"),
    ]:
        for who in ("guest", "stranger"):
            r = api.request(method, url, json={}, headers=world[who]["headers"])
            assert r.status_code == 403 and r.json()["error_code"] == "NOT_EVENT_HOST", (who, url)


def test_someone_elses_invitation_cannot_be_answered(api, world):
    r = api.put(f"/api/events/invitations/{world['invite_id']}/respond", json={"response": "going"},
                headers=world["stranger"]["headers"])  # fmt: skip
    assert r.status_code == 404


def test_someone_elses_order_cannot_be_read(api, world, payu):
    api.put(f"/api/events/{world['event_id']}/requests/{world['request_id']}/accept", json={},
            headers=world["host"]["headers"])  # fmt: skip
    Event.objects.filter(id=world["event"].id).update(is_paid=True, ticket_price="300.00")
    r = api.post("/api/payments/orders", json={"event_id": world["event_id"], "amount": 300, "seats_count": 1},
                 headers=world["guest"]["headers"])  # fmt: skip
    assert r.status_code == 201, r.text
    order = r.json()["data"]["order"]
    for path in (order["order_id"], str(order["id"])):
        assert api.get(f"/api/payments/orders/{path}", headers=world["stranger"]["headers"]).status_code == 404
    assert api.get(f"/api/payments/orders/{order['order_id']}", headers=world["guest"]["headers"]).status_code == 200


def test_unknown_integer_ids_are_404_not_500(api, world):
    h = world["host"]["headers"]
    for method, url in [
        ("get", "/api/events/999999"),
        ("get", "/api/events/999999/my-request"),
        ("put", f"/api/events/{world['event_id']}/requests/999999/accept"),
        ("put", "/api/events/invitations/999999/respond"),
        ("get", "/api/payments/orders/999999"),
        ("get", "/api/payments/orders/not-an-order"),
    ]:
        r = api.request(method, url, json={"response": "going"}, headers=h)
        assert r.status_code == 404, (url, r.status_code, r.text)


def test_my_own_things_are_mine_only(api, world):
    """C11, C16 answer about the caller only: a stranger sees no request, no ticket."""
    e = world["event_id"]
    assert api.get(f"/api/events/{e}/my-request", headers=world["stranger"]["headers"]).status_code == 404
    assert api.get(f"/api/events/{e}/my-ticket", headers=world["stranger"]["headers"]).status_code == 404
    assert api.get("/api/events/my-invitations", headers=world["stranger"]["headers"]).json() == []
