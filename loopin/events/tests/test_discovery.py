"""GET /api/v2/events: filters, sorting, paging, the caller's status, and a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loopin.accounts.models import Interest
from loopin.events.models import EventStatus, Invitation, JoinMode, JoinRequest, Visibility
from loopin.events.selectors import FeedFilters, event_feed
from loopin.participation.seats import seats_take
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory, VenueFactory
from loopin.testing.fixtures import token_for


def _titles(r):
    assert r.status_code == 200, r.text
    return [e["title"] for e in r.json()["data"]]


def test_only_published_public_upcoming_events_by_default(api):
    PublishedEventFactory(title="Visible")
    PublishedEventFactory(title="Draft", status=EventStatus.DRAFT)
    PublishedEventFactory(title="Private", visibility=Visibility.PRIVATE)
    PublishedEventFactory(
        title="Past", start_at=timezone.now() - timedelta(days=2), end_at=timezone.now() - timedelta(days=1)
    )
    PublishedEventFactory(title="Deleted", deleted_at=timezone.now())
    PublishedEventFactory(title="Cancelled", status=EventStatus.CANCELLED)
    assert _titles(api.get("/api/v2/events")) == ["Visible"]
    assert sorted(_titles(api.get("/api/v2/events", params={"upcoming": "false"}))) == ["Past", "Visible"]


def test_card_fields(api):
    host = UserWithProfileFactory(name="Diya Sharma")
    venue = VenueFactory(name="The Courtyard", city="Mumbai")
    music = Interest.objects.get(slug="music-and-concerts")
    event = PublishedEventFactory(
        host=host,
        venue=venue,
        city="Mumbai",
        capacity=30,
        seats_taken=4,
        going_count=3,
        is_paid=True,
        ticket_price=Decimal("499.00"),
        interests=[music],
    )
    [card] = api.get("/api/v2/events").json()["data"]
    assert card["host"] == {"id": str(host.id), "name": "Diya Sharma", "picture": f"https://example.com/{host.id}.jpg"}
    assert card["venue"] == {"id": str(venue.id), "name": "The Courtyard", "city": "Mumbai"}
    assert card["interests"] == [{"id": music.id, "name": "Music & Concerts", "slug": "music-and-concerts"}]
    assert (card["price"], card["currency"], card["is_paid"]) == ("499.00", "INR", True)
    assert (card["seats_left"], card["going_count"], card["capacity"]) == (26, 3, 30)
    assert card["my_status"] is None and card["distance_km"] is None
    assert card["share_path"] == f"/in/mumbai/events/{event.slug}--{event.canonical_id}"


def test_filters(api):
    music, sport, food = (
        Interest.objects.get(slug=s) for s in ("music-and-concerts", "sports-and-fitness", "food-and-dining")
    )
    host = UserWithProfileFactory()
    venue = VenueFactory()
    soon = timezone.now() + timedelta(days=1)
    later = timezone.now() + timedelta(days=20)
    PublishedEventFactory(
        title="Jazz night",
        interests=[music],
        city="Mumbai",
        start_at=soon,
        end_at=soon + timedelta(hours=2),
        is_paid=True,
        ticket_price=Decimal("300"),
    )
    PublishedEventFactory(
        title="Football", interests=[sport], city="Pune", start_at=later, end_at=later + timedelta(hours=2), host=host
    )
    PublishedEventFactory(
        title="Food walk",
        interests=[food, music],
        city="Mumbai",
        start_at=later + timedelta(minutes=30),  # after Football: ties would order by random uuid
        end_at=later + timedelta(hours=2),
        venue=venue,
        description="street FOOD tour",
    )
    assert _titles(api.get("/api/v2/events", params={"interest_ids": [music.id]})) == ["Jazz night", "Food walk"]
    assert _titles(api.get("/api/v2/events", params={"interest_ids": [sport.id, food.id]})) == ["Football", "Food walk"]
    assert _titles(api.get("/api/v2/events", params={"city": "mumbai"})) == ["Jazz night", "Food walk"]
    assert _titles(api.get("/api/v2/events", params={"price": "paid"})) == ["Jazz night"]
    assert _titles(api.get("/api/v2/events", params={"price": "free"})) == ["Football", "Food walk"]
    assert _titles(api.get("/api/v2/events", params={"host_id": str(host.id)})) == ["Football"]
    assert _titles(api.get("/api/v2/events", params={"venue_id": str(venue.id)})) == ["Food walk"]
    assert _titles(api.get("/api/v2/events", params={"q": "street food"})) == ["Food walk"]
    assert _titles(api.get("/api/v2/events", params={"q": "jazz"})) == ["Jazz night"]
    window = {
        "date_from": (timezone.now() + timedelta(days=10)).isoformat(),
        "date_to": (timezone.now() + timedelta(days=30)).isoformat(),
    }
    assert _titles(api.get("/api/v2/events", params=window)) == ["Football", "Food walk"]


def test_near_a_point_with_distance_sorting(api):
    # Bengaluru centre, a place ~10 km away, and Mysuru (~125 km away).
    PublishedEventFactory(
        title="Centre",
        latitude=12.9716,
        longitude=77.5946,
        start_at=timezone.now() + timedelta(days=5),
        end_at=timezone.now() + timedelta(days=5.1),
    )
    PublishedEventFactory(
        title="Whitefield",
        latitude=12.9698,
        longitude=77.7500,
        start_at=timezone.now() + timedelta(days=1),
        end_at=timezone.now() + timedelta(days=1.1),
    )
    PublishedEventFactory(title="Mysuru", latitude=12.2958, longitude=76.6394)
    params = {"lat": 12.9716, "lng": 77.5946, "radius_km": 30}
    assert _titles(api.get("/api/v2/events", params=params)) == ["Whitefield", "Centre"]
    r = api.get("/api/v2/events", params={**params, "sort": "distance"})
    assert _titles(r) == ["Centre", "Whitefield"]
    distances = [e["distance_km"] for e in r.json()["data"]]
    assert distances[0] == pytest.approx(0, abs=0.01)
    assert distances[1] == pytest.approx(16.8, abs=0.5)
    assert _titles(api.get("/api/v2/events", params={**params, "radius_km": 200, "sort": "distance"})) == [
        "Centre",
        "Whitefield",
        "Mysuru",
    ]
    r = api.get("/api/v2/events", params={"sort": "distance"})
    assert r.status_code == 422 and r.json()["details"]["fields"][0]["code"] == "DISTANCE_NEEDS_POINT"
    assert api.get("/api/v2/events", params={"lat": 10}).status_code == 422


def test_pagination_meta(api):
    for i in range(5):
        PublishedEventFactory(
            title=f"E{i}",
            start_at=timezone.now() + timedelta(days=i + 1),
            end_at=timezone.now() + timedelta(days=i + 1, hours=1),
        )
    r = api.get("/api/v2/events", params={"offset": 2, "limit": 2})
    assert _titles(r) == ["E2", "E3"]
    assert r.json()["meta"] == {"total": 5, "offset": 2, "limit": 2}
    assert api.get("/api/v2/events", params={"limit": 101}).status_code == 422
    assert api.get("/api/v2/events", params={"offset": -1}).status_code == 422


def test_the_callers_own_status(api):
    me = UserWithProfileFactory()
    going = PublishedEventFactory(title="Going")
    requested = PublishedEventFactory(title="Requested", join_mode=JoinMode.APPROVAL)
    invited = PublishedEventFactory(title="Invited", join_mode=JoinMode.INVITE_ONLY)
    PublishedEventFactory(title="Nothing")
    h = token_for(me)
    api.post(f"/api/v2/events/{going.id}/confirm-attendance", json={}, headers=h)
    JoinRequest.objects.create(event=requested, user=me)
    Invitation.objects.create(event=invited, invitee=me, invited_by=invited.host)
    statuses = {e["title"]: e["my_status"] for e in api.get("/api/v2/events", headers=h).json()["data"]}
    assert statuses == {"Going": "going", "Requested": "requested", "Invited": "invited", "Nothing": None}


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_page_costs_a_fixed_number_of_queries(interests, signed_in):
    user = UserWithProfileFactory() if signed_in else None
    hosts = [UserWithProfileFactory() for _ in range(3)]
    venue = VenueFactory()

    def page_queries(n_events: int) -> int:
        for i in range(n_events):
            PublishedEventFactory(host=hosts[i % 3], venue=venue if i % 2 else None, interests=interests[:2])
        with CaptureQueriesContext(connection) as ctx:
            items, total = event_feed(user=user, filters=FeedFilters(), offset=0, limit=100)
        assert len(items) == total
        return len(ctx.captured_queries)

    small = page_queries(2)
    large = page_queries(30)
    # Cache miss: count, the page (host, venue, pictures, covers joined in), interests; signed in, plus
    # the caller's status. Each new event invalidated the feed cache, so both pages were misses.
    assert small == large == (4 if signed_in else 3)


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_cached_page_costs_one_query_and_keeps_live_counters(interests, signed_in):
    user = UserWithProfileFactory() if signed_in else None
    event = PublishedEventFactory(capacity=10, interests=interests[:1])
    event_feed(user=user, filters=FeedFilters(), offset=0, limit=20)  # fills the cache
    seats_take(event_id=event.id, seats=3, people=3)  # a counter change: no invalidation needed
    with CaptureQueriesContext(connection) as ctx:
        items, total = event_feed(user=user, filters=FeedFilters(), offset=0, limit=20)
    assert len(ctx.captured_queries) == 1
    assert (total, items[0].seats_left, items[0].going_count) == (1, 7, 3)


def test_an_out_of_range_interest_id_is_422(api):
    r = api.get("/api/v2/events", params={"interest_ids": [10**24]})
    assert r.status_code == 422
    assert r.json()["error_code"] == "VALIDATION_ERROR"


def test_a_time_offset_postgres_cannot_store_is_read_as_the_same_instant(api):
    r = api.get("/api/v2/events", params={"date_to": "2030-03-10T00:49:08-17:58"})
    assert r.status_code == 200
    assert r.json()["meta"]["total"] == 0


def test_a_time_outside_the_calendar_in_utc_is_422(api):
    r = api.get("/api/v2/events", params={"date_from": "0001-01-01T00:00:00+05:00"})
    assert r.status_code == 422
    assert r.json()["details"]["fields"][0]["field"] == "date_from"
