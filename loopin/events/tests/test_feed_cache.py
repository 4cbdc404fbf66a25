"""The feed cache (events.feed_cache) is invisible: every change shows on the next read."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from loopin.core.envelope import ListEnvelope
from loopin.events.schemas import EventCardOut
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory, VenueFactory
from loopin.testing.fixtures import token_for


def _titles(client) -> list[str]:
    r = client.get("/api/v2/events")
    assert r.status_code == 200, r.text
    return [e["title"] for e in r.json()["data"]]


def test_an_edited_title_shows_at_once(api):
    event = PublishedEventFactory(title="Old title")
    assert _titles(api) == ["Old title"]
    r = api.patch(f"/api/v2/events/{event.id}", json={"title": "New title"}, headers=token_for(event.host))
    assert r.status_code == 200, r.text
    assert _titles(api) == ["New title"]


def test_a_new_event_shows_at_once(api):
    PublishedEventFactory(title="First", start_at=timezone.now() + timedelta(days=1))
    assert _titles(api) == ["First"]
    PublishedEventFactory(title="Second", start_at=timezone.now() + timedelta(days=2))
    assert _titles(api) == ["First", "Second"]


def test_a_deleted_event_leaves_at_once(api):
    event = PublishedEventFactory(title="Gone soon")
    assert _titles(api) == ["Gone soon"]
    assert api.delete(f"/api/v2/events/{event.id}", headers=token_for(event.host)).status_code == 200
    assert _titles(api) == []


def test_a_hosts_new_name_shows_at_once(api):
    host = UserWithProfileFactory(name="Asha Rao")
    PublishedEventFactory(host=host)
    assert api.get("/api/v2/events").json()["data"][0]["host"]["name"] == "Asha Rao"
    host.name = "Asha R"
    host.save()
    assert api.get("/api/v2/events").json()["data"][0]["host"]["name"] == "Asha R"


def test_an_event_that_starts_leaves_the_upcoming_feed(api):
    PublishedEventFactory(title="Starting", start_at=timezone.now() + timedelta(seconds=2.5))
    assert _titles(api) == ["Starting"]  # cached, but only until it starts
    time.sleep(3)
    assert _titles(api) == []


def _model_made(body: dict) -> dict:
    """What the response model makes of an answer: validated and dumped again."""
    return ListEnvelope[EventCardOut].model_validate(body).model_dump(mode="json")


def test_the_cached_json_answer_is_what_the_response_model_makes_of_it(api):
    host = UserWithProfileFactory(name="Asha Rao")
    PublishedEventFactory(
        host=host,
        title="Paid",
        venue=VenueFactory(city="Pune"),
        is_paid=True,
        ticket_price=Decimal("499.00"),
        capacity=50,
    )
    PublishedEventFactory(host=host, title="Free", capacity=0, start_at=timezone.now() + timedelta(days=3))
    caller = UserWithProfileFactory()
    for headers in ({}, token_for(caller)):
        miss = api.get("/api/v2/events", headers=headers)
        hit = api.get("/api/v2/events", headers=headers)
        assert miss.status_code == hit.status_code == 200
        assert miss.headers["content-type"] == "application/json"
        assert miss.json() == hit.json() == _model_made(hit.json())
        paid = next(card for card in hit.json()["data"] if card["title"] == "Paid")
        assert (paid["price"], paid["capacity"], paid["seats_left"], paid["venue"]["city"]) == (
            "499.00",
            50,
            50,
            "Pune",
        )
        assert paid["start_at"].endswith("+05:30")  # the display zone, as the model writes it
