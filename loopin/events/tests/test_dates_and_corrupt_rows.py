"""Dates the API accepts are bounded and checked before anything is written; a list survives a corrupt row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from loopin.events.models import Event
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import interest_ids, token_for


@pytest.fixture
def host(api):
    return UserWithProfileFactory()


def _body(**overrides):
    return {
        "title": "Sunday sunrise run",
        "location_text": "Ulsoor Lake",
        "city": "Bengaluru",
        "start_at": (timezone.now() + timedelta(days=5)).isoformat(),
        "duration_hours": 2,
        "interest_ids": interest_ids(2),
        "publish": True,
        **overrides,
    }


def _codes(r):
    assert r.status_code == 422, r.text
    return [(f["field"], f["code"]) for f in r.json()["details"]["fields"]]


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"start_at": "9999-12-31T23:00:00+05:30"}, "start_at"),
        ({"start_at": "9999-12-31T23:59:59-12:00"}, "start_at"),
        ({"start_at": "0001-01-01T00:00:00+05:30"}, "start_at"),
        ({"end_at": "9999-12-31T23:00:00+05:30", "duration_hours": None}, "end_at"),
        ({"start_at": 0}, "start_at"),
        ({"start_at": 4102444800}, "start_at"),
    ],
)
def test_an_event_at_the_edge_of_the_calendar_is_refused_and_nothing_is_stored(api, host, overrides, field):
    body = {k: v for k, v in _body(**overrides).items() if v is not None}
    r = api.post("/api/v2/events", json=body, headers=token_for(host))
    assert [f for f, _ in _codes(r)] == [field]
    assert Event.objects.count() == 0


def test_an_event_more_than_the_lead_time_ahead_is_refused(api, host, app_settings):
    app_settings.EVENT_MAX_LEAD_DAYS = 30
    r = api.post(
        "/api/v2/events",
        json=_body(start_at=(timezone.now() + timedelta(days=31)).isoformat()),
        headers=token_for(host),
    )
    assert _codes(r) == [("start_at", "TOO_FAR_AHEAD")]
    assert Event.objects.count() == 0
    r = api.post(
        "/api/v2/events",
        json=_body(start_at=(timezone.now() + timedelta(days=29)).isoformat()),
        headers=token_for(host),
    )
    assert r.status_code == 201, r.text


def test_moving_an_event_far_ahead_is_refused_and_the_event_keeps_its_time(api):
    event = PublishedEventFactory()
    before = (event.start_at, event.end_at)
    far = (timezone.now() + timedelta(days=800)).isoformat()
    r = api.patch(f"/api/v2/events/{event.id}", json={"start_at": far}, headers=token_for(event.host))
    assert _codes(r) == [("start_at", "TOO_FAR_AHEAD")]
    r = api.post(
        f"/api/v2/events/{event.id}/postpone",
        json={"new_start_at": "9999-01-01T00:00:00Z"},
        headers=token_for(event.host),
    )
    assert _codes(r) == [("new_start_at", "DATETIME_FROM_DATE_PARSING")] or [f for f, _ in _codes(r)] == [
        "new_start_at"
    ]
    event.refresh_from_db()
    assert (event.start_at, event.end_at) == before


@pytest.mark.parametrize(
    "query", ["date_from=9999-12-31T23:00:00%2B05:30", "date_to=0001-01-01T00:00:00Z", "date_from=0"]
)
def test_feed_date_filters_outside_the_window_are_422(api, query):
    assert [f for f, _ in _codes(api.get(f"/api/v2/events?{query}"))] == [query.split("=")[0]]


def _plant_overflowing_event(**fields) -> Event:
    """A row as it could be after the old bug, or a bad migration: written straight to the database."""
    event = PublishedEventFactory(**fields)
    Event.objects.filter(id=event.id).update(
        start_at=datetime(9999, 12, 31, 20, 0, tzinfo=UTC), end_at=datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
    )
    return event


@pytest.mark.parametrize(
    "url",
    [
        "/api/v2/events",
        "/api/v2/events?city=Bengaluru",
        "/api/v2/events?q=meetup",
        "/api/v2/events?lat=12.97&lng=77.59&radius_km=20",
        "/api/v2/events?lat=12.97&lng=77.59&sort=distance",
    ],
)
def test_the_feed_answers_with_a_corrupt_row_in_the_database(api, url):
    good = PublishedEventFactory(start_at=timezone.now() + timedelta(days=2))
    bad = _plant_overflowing_event()
    r = api.get(url)
    assert r.status_code == 200, r.text
    ids = [c["id"] for c in r.json()["data"]]
    assert ids[0] == str(good.id)
    assert str(bad.id) in ids  # shown, its times in UTC (they cannot be written in Asia/Kolkata)
    shown = next(c for c in r.json()["data"] if c["id"] == str(bad.id))
    assert shown["end_at"] == "9999-12-31T23:00:00+00:00"


def test_the_feed_leaves_out_a_row_that_no_longer_fits_and_answers(api):
    good = PublishedEventFactory()
    bad = PublishedEventFactory()
    Event.objects.filter(id=bad.id).update(join_mode="no-such-mode")
    r = api.get("/api/v2/events")
    assert r.status_code == 200, r.text
    assert [c["id"] for c in r.json()["data"]] == [str(good.id)]


def test_host_filter_and_my_events_answer_with_a_corrupt_row(api):
    host = UserWithProfileFactory()
    PublishedEventFactory(host=host)
    _plant_overflowing_event(host=host)
    broken = PublishedEventFactory(host=host)
    Event.objects.filter(id=broken.id).update(join_mode="no-such-mode")
    r = api.get(f"/api/v2/events?host_id={host.id}")
    assert r.status_code == 200, r.text
    assert len(r.json()["data"]) == 2
    r = api.get("/api/v2/me/events", headers=token_for(host))
    assert r.status_code == 200, r.text
    assert len(r.json()["data"]) == 2
