"""The isolation matrix for an organisation's events: every endpoint that takes one of its events and needs a host
power, called as a member of another organisation, as a member whose role is too small, and as former members (the
member who created the event and was then removed, and one who left) -- exact statuses and error codes, none of
them more than a stranger gets, no guest's phone number in any refusal, and nothing changed."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from loopin.events.models import CheckoutQuestion, Event, JoinRequest, TicketTier
from loopin.organisations.services import member_remove, organisation_leave
from loopin.organisations.tests.conftest import add_member, make_org, org_event
from loopin.participation.join_requests import join_request_create
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for

E = "/api/v2/events"


def endpoints(e, req, tier, question):
    """(name, method, path, body, the power it needs)."""
    p = f"{E}/{e.id}"
    rid, nobody = req.id, uuid.uuid4()
    return [
        ("edit", "PATCH", p, {"title": "Taken over"}, "change"),
        ("delete", "DELETE", p, None, "delete"),
        ("move", "POST", f"{p}/move", {"organisation_id": str(e.organisation_id)}, "change"),
        ("postpone", "POST", f"{p}/postpone", {"reason": "rain"}, "change"),
        ("cancel", "POST", f"{p}/cancel", {"reason": "gone"}, "cancel"),
        ("complete", "POST", f"{p}/complete", {}, "change"),
        ("delete image", "DELETE", f"{p}/images/{nobody}", None, "change"),
        ("attendees", "GET", f"{p}/attendees", None, "view_attendees"),
        ("add tier", "POST", f"{p}/tiers", {"name": "VIP", "price": "0.00"}, "change"),
        ("edit tier", "PATCH", f"{p}/tiers/{tier.id}", {"name": "Mine"}, "change"),
        ("delete tier", "DELETE", f"{p}/tiers/{tier.id}", None, "change"),
        ("add question", "POST", f"{p}/questions", {"label": "Your name?"}, "change"),
        ("edit question", "PATCH", f"{p}/questions/{question.id}", {"label": "Mine?"}, "change"),
        ("delete question", "DELETE", f"{p}/questions/{question.id}", None, "change"),
        ("co-hosts", "GET", f"{p}/co-hosts", None, "view"),
        ("add co-host", "POST", f"{p}/co-hosts", {"handle": "nobodyhere"}, "co_hosts"),
        ("requests", "GET", f"{p}/requests", None, "view_requests"),
        ("bulk decide", "POST", f"{p}/requests/bulk-action", {"request_ids": [str(rid)], "action": "accept"}, "decide"),
        ("accept", "PUT", f"{p}/requests/{rid}/accept", {}, "decide"),
        ("decline", "PUT", f"{p}/requests/{rid}/decline", {}, "decide"),
        ("invite", "POST", f"{p}/invitations", {"user_ids": [str(nobody)]}, "invite"),
        ("invitations", "GET", f"{p}/invitations", None, "view_invitations"),
        ("invite by phone", "POST", f"{p}/invitations/by-phone", {"phone_number": "+919811100999"}, "invite"),
        ("make link", "POST", f"{p}/invite-links", {}, "invite"),
        ("links", "GET", f"{p}/invite-links", None, "view_invitations"),
        ("revoke link", "DELETE", f"{p}/invite-links/{nobody}", None, "invite"),
        ("guests.csv", "GET", f"{p}/guests.csv", None, "view_attendees"),
        ("guests.xlsx", "GET", f"{p}/guests.xlsx", None, "view_attendees"),
        ("guests export", "GET", f"{p}/guests/export", None, "view_attendees"),
        ("import confirm", "POST", f"{p}/guests/import/confirm", {"token": "a" * 20}, "invite"),
        ("waitlist", "GET", f"{p}/waitlist", None, "view_attendees"),
        ("message", "POST", f"{p}/messages", {"body": "Doors at 8"}, "message"),
        ("scan", "POST", f"{p}/check-in", {"code": "ABCD1234", "nonce": "n" * 16}, "door"),
        ("keys", "GET", f"{p}/check-in/keys", None, "door"),
        ("rotate keys", "POST", f"{p}/check-in/keys/rotate", {}, "change"),
        ("revoked", "GET", f"{p}/check-in/revoked", None, "door"),
        ("door settings", "GET", f"{p}/check-in/settings", None, "door"),
        ("change door", "PUT", f"{p}/check-in/settings", {"reentry_allowed": True}, "door"),
        ("search", "GET", f"{p}/check-in/search?q=an", None, "door"),
        ("scans", "GET", f"{p}/check-in/scans", None, "door"),
        ("stats", "GET", f"{p}/check-in/stats", None, "door"),
        ("staff", "GET", f"{p}/staff", None, "door"),
        ("add staff", "POST", f"{p}/staff", {"user_id": str(nobody)}, "door"),
        ("promo codes", "GET", f"{p}/promo-codes", None, "change"),
        ("add promo", "POST", f"{p}/promo-codes", {"code": "FREE", "kind": "percent", "amount": "10"}, "change"),
        ("settlement", "GET", f"/api/v2/payouts/events/{e.id}/settlement", None, "money"),
        ("set settlement", "PUT", f"/api/v2/payouts/events/{e.id}/settlement", {"mode": "manual"}, "payouts"),
    ]


@pytest.fixture
def world(interests):
    org = make_org()
    other = make_org("nightowls")
    creator = add_member(org.organisation, "manager")
    event = org_event(org, creator)
    guest = UserWithProfileFactory(phone_number="+919822233344")
    req = join_request_create(user=guest, event_id=event.id, message="")
    tier = TicketTier.objects.get(event=event)
    question = CheckoutQuestion.objects.create(event=event, label="Diet?")
    left = add_member(org.organisation, "admin")
    member_remove(user=org.owner, organisation_id=org.organisation.id, user_id=creator.id)
    organisation_leave(user=left, organisation_id=org.organisation.id)
    return org, other, event, req, tier, question, creator, left


NOT_HOST, NOT_DOOR = (403, "NOT_EVENT_HOST"), (403, "NOT_DOOR_STAFF")
# What a refused caller gets where it is not NOT_HOST: exactly what a stranger gets.
REFUSAL = {
    **dict.fromkeys(["scan", "keys", "revoked", "door settings", "search", "scans", "stats"], NOT_DOOR),
    "revoke link": (404, "INVITE_LINK_NOT_FOUND"),
    "move": (404, "EVENT_NOT_FOUND"),  # only the person of a personal event moves it; others learn nothing
}
# The role too small for each power (None: every member holds it).
SMALLER = {"door": "agent", "money": "manager", "payouts": "manager", "view": None}
ALLOWED = {"view": {"owner", "admin", "manager", "agent", "door"}, "door": {"owner", "admin", "manager", "door"}}
ALLOWED |= dict.fromkeys(
    ["view_attendees", "view_requests", "view_invitations"], {"owner", "admin", "manager", "agent"}
)
ALLOWED |= {"change": {"owner", "admin", "manager"}, "money": {"owner", "admin"}}


def snapshot(event):
    e = Event.objects.get(id=event.id)
    reqs = list(JoinRequest.objects.filter(event=event).values_list("status", flat=True))
    tiers = list(TicketTier.objects.filter(event=event).values_list("name", flat=True))
    return (e.title, e.status, e.deleted_at, reqs, tiers, CheckoutQuestion.objects.filter(event=event).count())


def _answer(r):
    return r.status_code, r.json()["error_code"]


def test_no_event_endpoint_gives_outsiders_small_roles_or_former_members_more_than_a_stranger(api, world):
    org, other, event, req, tier, question, creator, left = world
    stranger = UserWithProfileFactory()
    before = snapshot(event)
    got, expected = {}, {}
    for name, method, path, body, power in endpoints(event, req, tier, question):
        smaller = SMALLER.get(power, "agent" if power in ("change", "cancel", "delete", "co_hosts") else "door")
        callers = {
            "a stranger": stranger,
            "another organisation's owner": other.owner,
            "another organisation's admin": other.admin,
            "the removed creator": creator,
            "a member who left": left,
        }
        if smaller is not None:
            callers[f"a {smaller}"] = org.member(smaller)
        for who, user in callers.items():
            r = api.request(method, path, json=body, headers=token_for(user))
            got[(name, who)], expected[(name, who)] = _answer(r), REFUSAL.get(name, NOT_HOST)
            assert "+919822233344" not in r.text, (name, who)
    assert got == expected
    assert len(got) == 47 * 5 + 46
    assert snapshot(event) == before


def test_each_role_reads_exactly_what_the_table_gives(api, world):
    org, _, event, req, tier, question, _, _ = world
    for name, method, path, _body, power in endpoints(event, req, tier, question):
        if method != "GET":
            continue
        statuses = {role: api.get(path, headers=token_for(org.member(role))).status_code for role in ALLOWED["view"]}
        assert {r for r, s in statuses.items() if s == 200} == ALLOWED[power], name
        assert {s for s in statuses.values() if s != 200} <= {403}, name


def test_only_a_role_allowed_events_creates_an_event_for_the_organisation(api, world, interests):
    org, other = world[0], world[1]
    body = {
        "interest_ids": [interests[0].id],
        "title": "Open mic",
        "location_text": "Koramangala",
        "city": "Bengaluru",
        "duration_hours": 2,
        "start_at": (timezone.now() + timedelta(days=2)).isoformat(),
        "organisation_id": str(org.organisation.id),
    }
    answers = [_answer(api.post(E, json=body, headers=token_for(u))) for u in (org.agent, other.owner)]
    assert answers == [(403, "ORGANISATION_ROLE_TOO_SMALL"), (404, "ORGANISATION_NOT_FOUND")]
    r = api.post(E, json=body, headers=token_for(org.manager))
    assert r.status_code == 201
    data = r.json()["data"]
    assert (data["organisation"]["handle"], data["host"]["id"], data["my_role"]) == (
        "brewhouse",
        str(org.manager.id),
        "member",
    )
    assert Event.objects.get(id=data["id"]).organisation_id == org.organisation.id


def test_removal_ends_a_managers_powers_on_the_organisations_events_at_once(api, world):
    org, event = world[0], world[2]
    headers = token_for(org.manager)
    assert api.get(f"{E}/{event.id}/requests", headers=headers).status_code == 200
    member_remove(user=org.admin, organisation_id=org.organisation.id, user_id=org.manager.id)
    assert _answer(api.get(f"{E}/{event.id}/requests", headers=headers)) == NOT_HOST
    assert _answer(api.patch(f"{E}/{event.id}", json={"title": "Mine now"}, headers=headers)) == NOT_HOST


def test_the_event_shows_its_organisation_to_anyone(api, world):
    org, event = world[0], world[2]
    data = api.get(f"{E}/{event.id}").json()["data"]
    assert data["organisation"] == {
        "id": str(org.organisation.id), "name": "The Brewhouse", "handle": "brewhouse", "is_verified": False,
        "logo": None,
    }  # fmt: skip
    assert (data["is_host"], data["my_role"]) == (False, None)
