"""Invitations (direct and share links) and attendance with free tickets."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loopin.events.models import Invitation, InviteLink, JoinMode, JoinRequest, Visibility
from loopin.staff.groups import SUPPORT
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import staff_in, token_for
from loopin.tickets.models import Ticket


@pytest.fixture
def host(api):
    return UserWithProfileFactory()


def _invite(api, event, host, users, **extra):
    return api.post(
        f"/api/v2/events/{event.id}/invitations",
        json={"user_ids": [str(u.id) for u in users], "message": "Join us!", **extra},
        headers=token_for(host),
    )


def test_direct_invitation_going_gives_a_ticket(api, host):
    event = PublishedEventFactory(host=host, join_mode=JoinMode.INVITE_ONLY, visibility=Visibility.PRIVATE, capacity=5)
    guest, outsider = UserWithProfileFactory(), UserWithProfileFactory()
    assert api.get(f"/api/v2/events/{event.id}", headers=token_for(guest)).status_code == 404  # private, not invited
    r = _invite(api, event, host, [guest])
    assert r.status_code == 201 and r.json()["message"] == "1 invitations sent"
    assert api.get(f"/api/v2/events/{event.id}", headers=token_for(guest)).json()["data"]["my_status"] == "invited"
    assert api.get(f"/api/v2/events/{event.id}", headers=token_for(outsider)).status_code == 404
    mine = api.get("/api/v2/me/invitations", headers=token_for(guest)).json()
    assert mine["meta"]["total"] == 1 and mine["data"][0]["event"]["title"] == event.title
    inv_id = mine["data"][0]["id"]
    r = api.put(f"/api/v2/invitations/{inv_id}/respond", json={"response": "going"}, headers=token_for(guest))
    assert r.status_code == 200 and r.json()["data"]["status"] == "going"
    ticket = Ticket.objects.get(user=guest)
    assert (ticket.source, ticket.seats, ticket.status) == ("invitation", 1, "valid")
    event.refresh_from_db()
    assert (event.seats_taken, event.going_count) == (1, 1)
    listed = api.get(f"/api/v2/events/{event.id}/invitations", headers=token_for(host)).json()
    assert listed["data"][0]["invitee"]["id"] == str(guest.id)


def test_not_going_after_going_frees_the_seat(api, host):
    event = PublishedEventFactory(host=host, join_mode=JoinMode.INVITE_ONLY)
    guest = UserWithProfileFactory()
    _invite(api, event, host, [guest])
    inv = Invitation.objects.get()
    api.put(f"/api/v2/invitations/{inv.id}/respond", json={"response": "going"}, headers=token_for(guest))
    r = api.put(f"/api/v2/invitations/{inv.id}/respond", json={"response": "not_going"}, headers=token_for(guest))
    assert r.json()["data"]["status"] == "not_going"
    event.refresh_from_db()
    assert (event.seats_taken, event.going_count) == (0, 0)


def test_inviting_skips_people_already_invited_and_refuses_unknown_ones(api, host):
    event = PublishedEventFactory(host=host)
    a, b = UserWithProfileFactory(), UserWithProfileFactory()
    _invite(api, event, host, [a])
    r = _invite(api, event, host, [a, b])
    assert [i["status"] for i in r.json()["data"]] == ["pending"]
    assert Invitation.objects.count() == 2
    r = api.post(
        f"/api/v2/events/{event.id}/invitations",
        json={"user_ids": ["00000000-0000-0000-0000-000000000001"]},
        headers=token_for(host),
    )
    assert r.status_code == 422 and r.json()["details"]["fields"][0]["code"] == "UNKNOWN_USER"
    r = api.post(f"/api/v2/events/{event.id}/invitations", json={"user_ids": []}, headers=token_for(host))
    assert r.status_code == 422
    r = _invite(api, event, UserWithProfileFactory(), [b])
    assert r.status_code == 403


def test_expired_invitations_cannot_be_accepted(api, host):
    event = PublishedEventFactory(host=host)
    guest = UserWithProfileFactory()
    _invite(api, event, host, [guest], expires_at=(timezone.now() + timedelta(hours=1)).isoformat())
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    inv = Invitation.objects.get()
    r = api.put(f"/api/v2/invitations/{inv.id}/respond", json={"response": "going"}, headers=token_for(guest))
    assert (r.status_code, r.json()["error_code"]) == (400, "INVITATION_EXPIRED")
    assert api.get("/api/v2/me/invitations", headers=token_for(guest)).json()["data"][0]["status"] == "expired"


def test_someone_elses_invitation_is_not_found(api, host):
    event = PublishedEventFactory(host=host)
    _invite(api, event, host, [UserWithProfileFactory()])
    inv = Invitation.objects.get()
    r = api.put(
        f"/api/v2/invitations/{inv.id}/respond", json={"response": "going"}, headers=token_for(UserWithProfileFactory())
    )
    assert r.status_code == 404


def test_share_links(api, host):
    event = PublishedEventFactory(host=host, join_mode=JoinMode.INVITE_ONLY, visibility=Visibility.PRIVATE)
    r = api.post(f"/api/v2/events/{event.id}/invite-links", json={"max_uses": 2}, headers=token_for(host))
    assert r.status_code == 201
    link = r.json()["data"]
    assert link["uses"] == 0 and link["url"].endswith(link["token"])
    first, second, third = (UserWithProfileFactory() for _ in range(3))
    r = api.post("/api/v2/invitations/accept-link", json={"token": link["token"]}, headers=token_for(first))
    assert r.status_code == 200 and r.json()["data"]["via_link"] is True
    assert Ticket.objects.filter(user=first, status="valid").count() == 1
    assert api.get(f"/api/v2/events/{event.id}", headers=token_for(first)).status_code == 200  # private, now a guest
    r = api.post("/api/v2/invitations/accept-link", json={"token": link["token"]}, headers=token_for(first))
    assert (r.status_code, r.json()["error_code"]) == (409, "ALREADY_GOING")
    assert (
        api.post(
            "/api/v2/invitations/accept-link", json={"token": link["token"]}, headers=token_for(second)
        ).status_code
        == 200
    )
    r = api.post("/api/v2/invitations/accept-link", json={"token": link["token"]}, headers=token_for(third))
    assert (r.status_code, r.json()["error_code"]) == (400, "INVITE_LINK_USED_UP")
    links = api.get(f"/api/v2/events/{event.id}/invite-links", headers=token_for(host)).json()["data"]
    assert links[0]["uses"] == 2


def test_revoked_and_expired_links(api, host):
    event = PublishedEventFactory(host=host)
    link = api.post(
        f"/api/v2/events/{event.id}/invite-links",
        json={"expires_at": (timezone.now() + timedelta(days=1)).isoformat()},
        headers=token_for(host),
    ).json()["data"]

    InviteLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    guest = UserWithProfileFactory()
    r = api.post("/api/v2/invitations/accept-link", json={"token": link["token"]}, headers=token_for(guest))
    assert (r.status_code, r.json()["error_code"]) == (400, "INVITE_LINK_EXPIRED")
    InviteLink.objects.update(expires_at=None)
    assert (
        api.delete(f"/api/v2/events/{event.id}/invite-links/{link['id']}", headers=token_for(host)).status_code == 200
    )
    r = api.post("/api/v2/invitations/accept-link", json={"token": link["token"]}, headers=token_for(guest))
    assert (r.status_code, r.json()["error_code"]) == (404, "INVITE_LINK_INVALID")
    r = api.post("/api/v2/invitations/accept-link", json={"token": "not-a-real-token"}, headers=token_for(guest))
    assert r.status_code == 404


# ---------------------------------------------------------------- attendance


def test_confirm_attendance_on_an_open_free_event(api, host):
    event = PublishedEventFactory(host=host, capacity=3, allow_plus_one=True)
    guest = UserWithProfileFactory()
    r = api.post(f"/api/v2/events/{event.id}/confirm-attendance", json={"seats": 2}, headers=token_for(guest))
    assert r.status_code == 201
    ticket = r.json()["data"]
    assert (ticket["seats"], ticket["status"], ticket["source"]) == (2, "valid", "open")
    assert len(ticket["code"]) == 8
    detail = api.get(f"/api/v2/events/{event.id}").json()["data"]
    assert (detail["seats_left"], detail["going_count"]) == (1, 1)
    r = api.post(f"/api/v2/events/{event.id}/confirm-attendance", json={}, headers=token_for(guest))
    assert (r.status_code, r.json()["error_code"]) == (409, "ALREADY_GOING")
    r = api.post(
        f"/api/v2/events/{event.id}/confirm-attendance", json={"seats": 2}, headers=token_for(UserWithProfileFactory())
    )
    assert (r.status_code, r.json()["error_code"]) == (409, "CAPACITY_EXCEEDED")
    assert (
        api.get(f"/api/v2/events/{event.id}/my-ticket", headers=token_for(guest)).json()["data"]["id"] == ticket["id"]
    )
    tickets = api.get("/api/v2/me/tickets", headers=token_for(guest)).json()
    assert tickets["meta"]["total"] == 1 and tickets["data"][0]["event"]["id"] == str(event.id)
    attendees = api.get(f"/api/v2/events/{event.id}/attendees", headers=token_for(host)).json()
    assert [a["attendee"]["id"] for a in attendees["data"]] == [str(guest.id)]
    assert api.get(f"/api/v2/events/{event.id}/attendees", headers=token_for(guest)).status_code == 403


def test_cancel_attendance_frees_the_seats(api, host):
    event = PublishedEventFactory(host=host, capacity=1)
    guest = UserWithProfileFactory()
    api.post(f"/api/v2/events/{event.id}/confirm-attendance", json={}, headers=token_for(guest))
    r = api.delete(f"/api/v2/events/{event.id}/attendance", headers=token_for(guest))
    assert r.status_code == 200 and r.json()["data"]["status"] == "cancelled"
    event.refresh_from_db()
    assert (event.seats_taken, event.going_count) == (0, 0)
    other = UserWithProfileFactory()
    assert (
        api.post(f"/api/v2/events/{event.id}/confirm-attendance", json={}, headers=token_for(other)).status_code == 201
    )
    assert api.delete(f"/api/v2/events/{event.id}/attendance", headers=token_for(guest)).status_code == 404


def test_attendance_refusals(api, host):
    guest = UserWithProfileFactory()
    cases = [
        (PublishedEventFactory(is_paid=True, ticket_price=Decimal("100")), {}, 400, "PAYMENT_REQUIRED"),
        (PublishedEventFactory(join_mode=JoinMode.APPROVAL), {}, 403, "REQUEST_NOT_ACCEPTED"),
        (PublishedEventFactory(join_mode=JoinMode.INVITE_ONLY), {}, 403, "INVITE_ONLY"),
        (PublishedEventFactory(), {"seats": 2}, 400, "TOO_MANY_SEATS"),
        (PublishedEventFactory(host=guest), {}, 400, "OWN_EVENT"),
        (PublishedEventFactory(allowed_genders=["male"]), {}, 400, "GENDER_RESTRICTED"),
    ]
    for event, body, status, code in cases:
        r = api.post(f"/api/v2/events/{event.id}/confirm-attendance", json=body, headers=token_for(guest))
        assert (r.status_code, r.json()["error_code"]) == (status, code), code
    assert Ticket.objects.count() == 0


def test_an_accepted_guest_who_cancelled_can_confirm_again(api, host):
    event = PublishedEventFactory(host=host, join_mode=JoinMode.APPROVAL)
    guest = UserWithProfileFactory()
    req = JoinRequest.objects.create(event=event, user=guest)
    api.put(f"/api/v2/events/{event.id}/requests/{req.id}/accept", json={}, headers=token_for(host))
    api.delete(f"/api/v2/events/{event.id}/attendance", headers=token_for(guest))
    r = api.post(f"/api/v2/events/{event.id}/confirm-attendance", json={}, headers=token_for(guest))
    assert r.status_code == 201 and r.json()["data"]["source"] == "request"


def test_the_host_list_of_attendees_needs_the_host(api, host):
    event = PublishedEventFactory(host=host)
    assert api.get(f"/api/v2/events/{event.id}/attendees").status_code == 401
    staff = staff_in(SUPPORT)  # events.view_event + tickets.view_ticket
    assert api.get(f"/api/v2/events/{event.id}/attendees", headers=token_for(staff)).status_code == 200
    bare = UserWithProfileFactory(is_staff=True)
    assert api.get(f"/api/v2/events/{event.id}/attendees", headers=token_for(bare)).status_code == 403


def test_my_events_lists_what_i_host(api, host):
    PublishedEventFactory(host=host, title="Mine")
    PublishedEventFactory(title="Not mine")
    r = api.get("/api/v2/me/events", headers=token_for(host))
    assert [e["title"] for e in r.json()["data"]] == ["Mine"]
    assert api.get("/api/v2/me/events", params={"status": "draft"}, headers=token_for(host)).json()["data"] == []
