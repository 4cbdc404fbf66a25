"""C6/C7's Event objects read as rows compiled once (`event_reads`, issue 22): on the same data the compiled
statement gives exactly what the same query built by the ORM gives, for every way an event reaches the home list
and every power of the caller, with each event's cover images and interests in their order; C6 is one statement."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loopin.accounts.models import Interest
from loopin.app_v1 import event_reads
from loopin.app_v1.schemas import AppEventList
from loopin.core.links import bind_request_origin
from loopin.events.models import Event, EventImage, EventStatus, Invitation, JoinRequest, RequestStatus, Visibility
from loopin.organisations.tests.conftest import Org, make_org, org_event
from loopin.participation.tickets import ticket_issue
from loopin.payments.models import BankAccount, PayoutRequest
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory, VenueFactory
from loopin.testing.fixtures import token_for
from loopin.tickets.models import TicketSource


@dataclass
class World:
    me: Any
    org: Org
    stranger: Any
    events: dict[str, Event]


def _payout(event: Event, host: Any, **fields: Any) -> None:
    account = BankAccount.objects.create(
        user=None if fields.get("organisation") else host, holder_name="B", bank_name="HDFC", ifsc="HDFC0001234",
        last4="5678", account_number_encrypted="x", is_primary=True, organisation=fields.get("organisation"),
    )  # fmt: skip
    PayoutRequest.objects.create(
        event=event, host=host, bank_account=account, amount=Decimal("10"), gross_earnings=Decimal("10"),
        refunds_total=Decimal("0"), **fields,
    )  # fmt: skip


def _several_images_and_interests(event: Event, interests: list[Interest]) -> None:
    """Four cover images made in none of their orders (two at position 0, told apart by when they were added) and
    three interests, two of them at one position (told apart by id)."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for position, url, image, minutes in [
        (2, "https://example.com/third.jpg", "", 0),
        (0, "", "events/added-later.jpg", 5),
        (1, 'https://example.com/"second".jpg', "", 1),
        (0, "https://example.com/added-first.jpg", "", 2),
    ]:
        made = EventImage.objects.create(event=event, position=position, url=url, image=image)
        EventImage.objects.filter(id=made.id).update(created_at=start + timedelta(minutes=minutes))
    tie = Interest.objects.create(name="Tied with the fourth", slug="tied-fourth", position=interests[3].position)
    event.interests.set([tie, interests[3], interests[0]])


@pytest.fixture
def world(interests: list[Interest]) -> World:
    """One caller with every relation C6 lists (and some it must not), an organisation's events, a stranger."""
    now = timezone.now()
    me, other = UserWithProfileFactory(), UserWithProfileFactory()
    org = make_org()
    past = {"start_at": now - timedelta(days=2), "end_at": now - timedelta(days=2) + timedelta(hours=2)}
    private = {"visibility": Visibility.PRIVATE}
    e = {
        "mine": PublishedEventFactory(host=me, venue=VenueFactory(), interests=interests[:2]),
        "my draft": PublishedEventFactory(host=me, status=EventStatus.DRAFT),
        "org public": org_event(org, org.manager),
        "org private": org_event(org, org.manager, visibility="private"),
        "invited": PublishedEventFactory(host=other, **private),
        "ticketed": PublishedEventFactory(host=other, **private),
        "requested": PublishedEventFactory(host=other, **private),
        "ended": PublishedEventFactory(host=other, **past),
        "ended, ticketed": PublishedEventFactory(host=other, **past),
        "draft, invited": PublishedEventFactory(host=other, status=EventStatus.DRAFT),
        "deleted": PublishedEventFactory(host=other, deleted_at=now),
        "postponed": PublishedEventFactory(host=other, status=EventStatus.POSTPONED, location_text=""),
        "cancelled": PublishedEventFactory(host=other, status=EventStatus.CANCELLED),
        "paid": PublishedEventFactory(
            host=other, is_paid=True, ticket_price=Decimal("499.50"), allowed_genders=["female"], interests=[]
        ),
        "private, other": PublishedEventFactory(host=other, **private),
    }
    EventImage.objects.create(event=e["mine"], position=1, url="https://example.com/second.jpg")
    EventImage.objects.create(event=e["mine"], position=0, image="events/first.jpg")
    EventImage.objects.create(event=e["org public"], url="https://example.com/org.jpg")
    _several_images_and_interests(e["ticketed"], interests)
    for event in (e["invited"], e["draft, invited"]):
        Invitation.objects.create(event=event, invitee=me, invited_by=other)
    for event in (e["ticketed"], e["ended, ticketed"], e["org public"]):
        ticket_issue(event=event, user=me, seats=1, source=TicketSource.OPEN)
    JoinRequest.objects.create(event=e["requested"], user=me)
    JoinRequest.objects.create(event=e["mine"], user=other)
    JoinRequest.objects.create(event=e["mine"], user=org.door, status=RequestStatus.CANCELLED)
    JoinRequest.objects.create(event=e["org public"], user=other)
    _payout(e["mine"], me)
    _payout(e["org public"], org.owner, organisation=org.organisation, status="approved")
    return World(me=me, org=org, stranger=UserWithProfileFactory(), events=e)


def _viewers(w: World) -> dict[str, Any]:
    return {
        "me": w.me,
        "stranger": w.stranger,
        **{role: w.org.member(role) for role in ("owner", "admin", "manager", "agent", "door")},
    }


def _titles(w: World, items: list[dict[str, Any]]) -> list[str]:
    names = {str(e.id): name for name, e in w.events.items()}
    return [names.get(i["uuid"], "(another)") for i in items]


@pytest.mark.parametrize("window", [(0, 100), (0, 3), (2, 3)])
def test_compiled_and_orm_give_the_same_page_for_every_caller(world, window):
    offset, limit = window
    query, now = event_reads.home_query(offset, limit), timezone.now()
    for viewer in _viewers(world).values():
        compiled = query.rows(user_id=viewer.id, now=now)
        assert compiled == query.rows_orm(user_id=viewer.id, now=now)
        if compiled:  # the window count is the filter's own count
            count = Event.objects.alive().filter(event_reads.home_filter(viewer, now)).count()
            assert {r["total"] for r in compiled} == {count}


def test_compiled_and_orm_give_the_same_detail(world):
    ids = [e.id for e in world.events.values()]
    for viewer in _viewers(world).values():
        for event_id in ids:
            compiled = event_reads.DETAIL.rows(event_id=event_id, user_id=viewer.id)
            assert compiled == event_reads.DETAIL.rows_orm(event_id=event_id, user_id=viewer.id)


def _covers_and_interests_as_the_models_order_them(viewer: Any, offset: int, limit: int) -> None:
    bind_request_origin({"type": "http", "scheme": "http", "headers": [(b"host", b"testserver")]})  # its media URLs
    items, _ = event_reads.home_events(user=viewer, offset=offset, limit=limit)
    details = [event_reads.DETAIL.rows(event_id=i["uuid"], user_id=viewer.id)[0] for i in items]  # C7's rows
    for item in items + [event_reads.event_out(row, viewer) for row in details]:
        event = Event.objects.get(id=item["uuid"])
        assert item["cover_images"] == [image.public_url for image in event.images.all()]
        assert item["event_interests"] == [
            {"id": i.id, "name": i.name, "description": None} for i in event.interests.all()
        ]


@pytest.mark.parametrize("window", [(0, 100), (0, 3), (2, 3)])
def test_each_event_has_its_cover_images_and_interests_in_their_order(world, interests, window):
    # None, one, two and four images; none, one, two and three interests: as the models' own orderings give them.
    offset, limit = window
    for viewer in _viewers(world).values():
        contextvars.copy_context().run(_covers_and_interests_as_the_models_order_them, viewer, offset, limit)
    ticketed = event_reads.event_detail(user=world.me, event_id=world.events["ticketed"].number)
    covers = ticketed["cover_images"]
    assert covers[0] == "https://example.com/added-first.jpg" and covers[1].endswith("/events/added-later.jpg")
    assert covers[2:] == ['https://example.com/"second".jpg', "https://example.com/third.jpg"]
    first, fourth, tie = interests[0], interests[3], Interest.objects.get(slug="tied-fourth")
    assert [(i["id"], i["name"]) for i in ticketed["event_interests"]] == [
        (first.id, first.name), (fourth.id, fourth.name), (tie.id, "Tied with the fourth")
    ]  # fmt: skip


def test_the_home_list_holds_what_the_caller_may_see_newest_first(world):
    listed = {
        who: _titles(world, event_reads.home_events(user=viewer, offset=0, limit=100)[0])
        for who, viewer in _viewers(world).items()
    }
    public = ["paid", "postponed", "org public", "mine"]
    assert listed["me"] == [
        "paid", "postponed", "ended, ticketed", "requested", "ticketed", "invited", "org public", "my draft", "mine"
    ]  # fmt: skip
    assert listed["stranger"] == public
    for role in ("owner", "admin", "manager", "agent", "door"):
        assert listed[role] == ["paid", "postponed", "org private", "org public", "mine"]


def test_the_caller_sees_their_powers_on_each_event(world):
    org = world.org
    mine = event_reads.event_detail(user=world.me, event_id=world.events["mine"].number)
    assert (mine["host"]["user_id"], mine["host"]["username"]) == (world.me.number, world.me.phone_number)
    assert (mine["requests_count"], mine["payout_status"]) == (1, "pending")
    assert mine["cover_images"][1] == "https://example.com/second.jpg"
    assert mine["cover_images"][0].endswith("/events/first.jpg")
    assert [i["name"] for i in mine["event_interests"]] == [i.name for i in Interest.objects.order_by("position")[:2]]
    seen = {}
    for who, viewer in _viewers(world).items():
        e = event_reads.event_detail(user=viewer, event_id=world.events["org public"].number)
        seen[who] = (e["host"]["user_id"] == viewer.number, e["requests_count"], e["payout_status"])
    assert seen == {
        "me": (False, None, None),
        "stranger": (False, None, None),
        "owner": (True, 1, "approved"),
        "admin": (True, 1, "approved"),
        "manager": (True, 1, None),
        "agent": (True, 1, None),
        "door": (True, 1, None),
    }
    assert event_reads.event_detail(user=org.agent, event_id=world.events["org public"].number)["host"][
        "profile_image"
    ] == (f"https://example.com/{org.agent.id}.jpg")


def test_a_page_past_the_end_still_tells_the_total(world):
    items, total = event_reads.home_events(user=world.me, offset=50, limit=10)
    assert (items, total) == ([], 9)
    assert event_reads.home_events(user=world.stranger, offset=0, limit=2)[1] == 4


def test_the_home_list_is_one_statement_whatever_its_length(world):
    event_reads.home_events(user=world.stranger, offset=0, limit=100)  # compiled for this page's length
    event_reads.home_events(user=world.me, offset=0, limit=100)
    for viewer in (world.stranger, world.me, world.org.owner):
        with CaptureQueriesContext(connection) as ctx:
            event_reads.home_events(user=viewer, offset=0, limit=100)
        assert len(ctx.captured_queries) == 1  # the page with its total, cover images and interests
    nobody = UserWithProfileFactory()
    Event.objects.update(deleted_at=timezone.now())
    with CaptureQueriesContext(connection) as ctx:
        assert event_reads.home_events(user=nobody, offset=0, limit=100) == ([], 0)
    assert len(ctx.captured_queries) == 1


def _home_as_the_call_reads_it(viewer: Any) -> tuple[list[dict[str, Any]], int]:
    bind_request_origin({"type": "http", "scheme": "http", "headers": [(b"host", b"testserver")]})  # its media URLs
    return event_reads.home_events(user=viewer, offset=0, limit=100)


def test_the_feed_answer_is_what_its_response_model_makes_of_the_page(api, world):
    # C6 is answered as JSON without validating the page through AppEventList: on the richest data (venues,
    # images, interests, a paid event, an organisation's events, a host's own) the answer is what the model makes
    # of the same page, as the response model made it before, field for field and for every caller.
    for viewer in _viewers(world).values():
        r = api.get("/api/events", headers=token_for(viewer))
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        items, total = contextvars.copy_context().run(_home_as_the_call_reads_it, viewer)
        page = {"success": True, "message": "Events", "data": items, "total": total, "offset": 0, "limit": 100}
        assert r.json() == AppEventList.model_validate(page).model_dump(mode="json")
        assert r.json()["total"] == len(r.json()["data"]) > 0
    mine = api.get("/api/events", headers=token_for(world.me)).json()
    paid = next(e for e in mine["data"] if e["uuid"] == str(world.events["paid"].id))
    assert (paid["is_paid"], paid["ticket_price"]) == (True, "499.50")
    own = next(e for e in mine["data"] if e["uuid"] == str(world.events["mine"].id))
    assert own["host"]["user_id"] == world.me.number
    assert isinstance(own["location"]["latitude"], float)
