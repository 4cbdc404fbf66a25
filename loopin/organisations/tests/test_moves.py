"""A host brings their personal events and venues into an organisation (`POST /api/v2/events/{id}/move`,
`POST /api/v2/venues/{id}/move`): only their person, only into an organisation where their role allows `events`,
only once; afterwards the organisation's members run it by role and other organisations still get nothing. An
event's orders, tickets and issued invoices stay as they were; its chat and the host page follow the new owner."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from loopin.audit.models import AuditEntry
from loopin.chat.models import Member, MemberRole, MemberState
from loopin.chat.services.groups import event_chat_open
from loopin.events.models import Event, EventStatus, Venue
from loopin.events.selectors import share_path
from loopin.invoices.models import DocType, SupplyKind, TaxDocument
from loopin.invoices.tests.helpers import paid_order
from loopin.organisations.tests.conftest import make_org, org_event
from loopin.payments.models import Order, OrderStatus
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory, VenueFactory
from loopin.testing.fixtures import token_for
from loopin.tickets.models import Ticket, TicketStatus
from loopin.venuecommerce.tests.conftest import staff_member

E, V = "/api/v2/events", "/api/v2/venues"


@pytest.fixture
def orgs(transactional_db):
    return make_org(), make_org("nightowls")


def _into(org):
    return {"organisation_id": str(org.organisation.id)}


def _answer(r):
    return r.status_code, r.json()["error_code"]


def _ticket_invoice(order):
    return TaxDocument.objects.get(order=order, doc_type=DocType.INVOICE, kind=SupplyKind.TICKET)


# ---------------------------------------------------------------- events


def test_the_host_moves_their_event_and_the_organisations_managers_run_it(api, orgs):
    org, other = orgs
    event = PublishedEventFactory(host=org.owner, is_paid=True, ticket_price=Decimal("499.00"), capacity=10)
    order = paid_order(event, UserWithProfileFactory())

    r = api.post(f"{E}/{event.id}/move", json=_into(org), headers=token_for(org.owner))

    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert (data["organisation"]["handle"], data["host"]["id"]) == ("brewhouse", str(org.owner.id))
    moved = Event.objects.get(id=event.id)
    assert (moved.organisation_id, moved.host_id, moved.updated_by_id) == (
        org.organisation.id,
        org.owner.id,
        org.owner.id,
    )
    [entry] = AuditEntry.objects.filter(action="event.moved")
    assert (entry.actor_id, entry.organisation_id, entry.object_id) == (
        org.owner.id,
        org.organisation.id,
        str(event.id),
    )
    # Only ownership changed: the sale stands.
    order.refresh_from_db()
    assert (order.event_id, order.status) == (event.id, OrderStatus.PAID)
    assert list(Ticket.objects.filter(event=event).values_list("id", "status")) == [
        (order.ticket_id, TicketStatus.VALID)
    ]

    edit = api.patch(f"{E}/{event.id}", json={"title": "Run by the club"}, headers=token_for(org.manager))
    assert (edit.status_code, edit.json()["data"]["title"]) == (200, "Run by the club")
    outsider = api.patch(f"{E}/{event.id}", json={"title": "Ours"}, headers=token_for(other.manager))
    assert _answer(outsider) == (403, "NOT_EVENT_HOST")  # as for any stranger on a published event
    taken = api.post(f"{E}/{event.id}/move", json=_into(other), headers=token_for(other.owner))
    assert _answer(taken) == (404, "EVENT_NOT_FOUND")
    after = Event.objects.get(id=event.id)
    assert (after.title, after.organisation_id, after.updated_by_id) == (
        "Run by the club", org.organisation.id, org.manager.id
    )  # fmt: skip


def test_invoices_issued_before_the_move_keep_the_person_and_later_ones_name_the_organisation(api, orgs):
    org, _ = orgs
    event = PublishedEventFactory(host=org.owner, is_paid=True, ticket_price=Decimal("499.00"), capacity=10)
    before = paid_order(event, UserWithProfileFactory())
    assert api.post(f"{E}/{event.id}/move", json=_into(org), headers=token_for(org.owner)).status_code == 200
    after = paid_order(event, UserWithProfileFactory())

    old, new = _ticket_invoice(before), _ticket_invoice(after)
    assert (old.supplier_key, old.supplier_user_id) == (f"user:{org.owner.id}", org.owner.id)
    assert (new.supplier_key, new.supplier_user_id, new.supplier_name) == (
        f"organisation:{org.organisation.id}", None, "The Brewhouse"
    )  # fmt: skip
    assert Order.objects.filter(event=event, status=OrderStatus.PAID).count() == 2


def test_only_a_role_allowed_events_moves_an_event_into_the_organisation(api, orgs):
    org, other = orgs
    answers = {}
    for role in ("door", "agent"):
        mine = PublishedEventFactory(host=org.member(role))
        answers[role] = _answer(api.post(f"{E}/{mine.id}/move", json=_into(org), headers=token_for(org.member(role))))
        assert Event.objects.get(id=mine.id).organisation_id is None
    stranger_event = PublishedEventFactory(host=org.manager)
    answers["not a member"] = _answer(
        api.post(f"{E}/{stranger_event.id}/move", json=_into(other), headers=token_for(org.manager))
    )
    assert answers == {
        "door": (403, "ORGANISATION_ROLE_TOO_SMALL"),
        "agent": (403, "ORGANISATION_ROLE_TOO_SMALL"),
        "not a member": (404, "ORGANISATION_NOT_FOUND"),
    }
    assert Event.objects.get(id=stranger_event.id).organisation_id is None
    assert not AuditEntry.objects.filter(action="event.moved").exists()


def test_someone_elses_event_is_not_found(api, orgs):
    org, _ = orgs
    theirs = PublishedEventFactory(host=UserWithProfileFactory())
    answers = [
        _answer(api.post(f"{E}/{event_id}/move", json=_into(org), headers=token_for(org.owner)))
        for event_id in (theirs.id, uuid.uuid4())
    ]
    assert answers == [(404, "EVENT_NOT_FOUND"), (404, "EVENT_NOT_FOUND")]
    assert Event.objects.get(id=theirs.id).organisation_id is None


def test_an_organisations_event_never_moves_again(api, orgs):
    org, other = orgs
    event = org_event(org, org.manager)
    personal = PublishedEventFactory(host=org.owner)
    assert api.post(f"{E}/{personal.id}/move", json=_into(org), headers=token_for(org.owner)).status_code == 200
    answers = {
        "its manager": api.post(f"{E}/{event.id}/move", json=_into(other), headers=token_for(org.manager)),
        "the mover again": api.post(f"{E}/{personal.id}/move", json=_into(org), headers=token_for(org.owner)),
        "its agent": api.post(f"{E}/{event.id}/move", json=_into(org), headers=token_for(org.agent)),
        "another organisation": api.post(f"{E}/{event.id}/move", json=_into(other), headers=token_for(other.owner)),
    }
    assert {who: _answer(r) for who, r in answers.items()} == {
        "its manager": (409, "ALREADY_IN_ORGANISATION"),
        "the mover again": (409, "ALREADY_IN_ORGANISATION"),
        "its agent": (404, "EVENT_NOT_FOUND"),
        "another organisation": (404, "EVENT_NOT_FOUND"),
    }
    assert Event.objects.get(id=event.id).organisation_id == org.organisation.id


def test_a_cancelled_event_stays_with_its_person(api, orgs):
    org, _ = orgs
    event = PublishedEventFactory(host=org.owner, status=EventStatus.CANCELLED)
    assert _answer(api.post(f"{E}/{event.id}/move", json=_into(org), headers=token_for(org.owner))) == (
        400, "EVENT_CLOSED"
    )  # fmt: skip
    assert Event.objects.get(id=event.id).organisation_id is None


def test_a_moved_event_leaves_the_host_page_for_the_organisations_page(api, orgs):
    org, _ = orgs
    org.owner.is_host = True
    org.owner.save(update_fields=["is_host"])
    event = PublishedEventFactory(host=org.owner, title="Supper club")
    listed = api.get(E, params={"host_id": str(org.owner.id)}).json()["data"]  # the feed's page is cached now
    assert [e["id"] for e in listed] == [str(event.id)]
    assert f'href="{share_path(event)}"' in api.get(f"/hosts/{org.owner.id}").text

    assert api.post(f"{E}/{event.id}/move", json=_into(org), headers=token_for(org.owner)).status_code == 200

    assert api.get(E, params={"host_id": str(org.owner.id)}).json()["data"] == []
    host_page = api.get(f"/hosts/{org.owner.id}")
    assert host_page.status_code == 200 and "Supper club" not in host_page.text
    assert f'href="{share_path(event)}"' in api.get(f"/organisations/{org.organisation.id}").text
    card = api.get(E).json()["data"][0]
    assert (card["id"], card["organisation"]["handle"]) == (str(event.id), "brewhouse")


def test_the_members_who_talk_to_guests_become_hosts_of_the_moved_events_chat(api, orgs):
    org, _ = orgs
    event = PublishedEventFactory(host=org.owner)
    conv = event_chat_open(event_id=event.id)
    assert api.post(f"{E}/{event.id}/move", json=_into(org), headers=token_for(org.owner)).status_code == 200
    hosts = set(
        Member.objects.filter(conversation=conv, role=MemberRole.HOST, state=MemberState.ACTIVE).values_list(
            "user_id", flat=True
        )
    )
    assert hosts == {org.owner.id, org.admin.id, org.manager.id, org.agent.id}  # door staff do not message guests


# ---------------------------------------------------------------- venues


def test_the_owner_moves_their_venue_and_the_organisations_managers_run_it(api, orgs):
    org, other = orgs
    venue = VenueFactory(created_by=org.owner, name="Owner's garage")
    its_event = PublishedEventFactory(host=org.owner, venue=venue)

    r = api.post(f"{V}/{venue.id}/move", json=_into(org), headers=token_for(org.owner))

    assert r.status_code == 200, r.text
    assert r.json()["data"]["organisation"]["handle"] == "brewhouse"
    moved = Venue.objects.get(id=venue.id)
    assert (moved.organisation_id, moved.created_by_id, moved.updated_by_id) == (
        org.organisation.id, org.owner.id, org.owner.id
    )  # fmt: skip
    [entry] = AuditEntry.objects.filter(action="venue.moved")
    assert (entry.actor_id, entry.organisation_id, entry.object_id) == (
        org.owner.id,
        org.organisation.id,
        str(venue.id),
    )
    assert Event.objects.get(id=its_event.id).organisation_id is None  # its events move one by one

    edit = api.patch(f"{V}/{venue.id}", json={"name": "The club's garage"}, headers=token_for(org.manager))
    assert (edit.status_code, edit.json()["data"]["name"]) == (200, "The club's garage")
    outsider = api.patch(f"{V}/{venue.id}", json={"name": "Ours"}, headers=token_for(other.manager))
    assert _answer(outsider) == (403, "VENUE_ROLE_REQUIRED")
    taken = api.post(f"{V}/{venue.id}/move", json=_into(other), headers=token_for(other.owner))
    assert _answer(taken) == (404, "VENUE_NOT_FOUND")
    after = Venue.objects.get(id=venue.id)
    assert (after.name, after.organisation_id, after.updated_by_id) == (
        "The club's garage", org.organisation.id, org.manager.id
    )  # fmt: skip


def test_only_the_venues_person_moves_it_and_only_where_their_role_allows_events(api, orgs):
    org, other = orgs
    venues = {role: VenueFactory(created_by=org.member(role)) for role in ("door", "agent")}
    answers = {
        role: _answer(api.post(f"{V}/{v.id}/move", json=_into(org), headers=token_for(org.member(role))))
        for role, v in venues.items()
    }
    owners = VenueFactory(created_by=org.owner)
    its_manager = staff_member(owners, "manager")
    answers["its manager"] = _answer(api.post(f"{V}/{owners.id}/move", json=_into(org), headers=token_for(its_manager)))
    answers["another organisation"] = _answer(
        api.post(f"{V}/{owners.id}/move", json=_into(other), headers=token_for(other.owner))
    )
    answers["not a member"] = _answer(
        api.post(f"{V}/{owners.id}/move", json=_into(other), headers=token_for(org.owner))
    )
    answers["unknown"] = _answer(api.post(f"{V}/{uuid.uuid4()}/move", json=_into(org), headers=token_for(org.owner)))
    assert answers == {
        "door": (403, "ORGANISATION_ROLE_TOO_SMALL"),
        "agent": (403, "ORGANISATION_ROLE_TOO_SMALL"),
        "its manager": (404, "VENUE_NOT_FOUND"),
        "another organisation": (404, "VENUE_NOT_FOUND"),
        "not a member": (404, "ORGANISATION_NOT_FOUND"),
        "unknown": (404, "VENUE_NOT_FOUND"),
    }
    assert set(Venue.objects.values_list("organisation_id", flat=True)) == {None}


def test_an_organisations_venue_never_moves_again(api, orgs):
    org, other = orgs
    venue = VenueFactory(created_by=org.owner)
    assert api.post(f"{V}/{venue.id}/move", json=_into(org), headers=token_for(org.owner)).status_code == 200
    answers = {
        who: _answer(api.post(f"{V}/{venue.id}/move", json=_into(other), headers=token_for(user)))
        for who, user in (("its owner", org.owner), ("its admin", org.admin), ("its door", org.door))
    }
    assert answers == {
        "its owner": (409, "ALREADY_IN_ORGANISATION"),
        "its admin": (409, "ALREADY_IN_ORGANISATION"),
        "its door": (404, "VENUE_NOT_FOUND"),
    }
    assert Venue.objects.get(id=venue.id).organisation_id == org.organisation.id
