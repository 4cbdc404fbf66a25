"""The ticket as an .ics file and the secret calendar feed of a person's tickets (parsed back with icalendar)."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, timedelta
from typing import Any

import icalendar
import pytest
from django.utils import timezone

from loopin.events.models import Event
from loopin.events.services import event_transition
from loopin.participation.attendance import attendance_cancel, attendance_confirm
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory, VenueFactory
from loopin.testing.fixtures import token_for
from loopin.tickets import calendar
from loopin.tickets.models import CalendarFeed, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

BASE = "http://testserver"


def _events(body: bytes) -> list[Any]:
    cal = icalendar.Calendar.from_ical(body)
    assert cal["VERSION"] == "2.0"
    assert cal["PRODID"] == "-//Loopin//Tickets//EN"
    return list(cal.walk("VEVENT"))


def _backdate(event: Event, ticket: Ticket, hours: int = 2) -> None:
    """Make the event and the ticket older, so a change now moves SEQUENCE by whole seconds."""
    then = timezone.now() - timedelta(hours=hours)
    Event.objects.filter(id=event.id).update(created_at=then, updated_at=then)
    Ticket.objects.filter(id=ticket.id).update(issued_at=then)


def _rotate(api: Any, user: Any) -> dict[str, Any]:
    r = api.post("/api/v2/me/calendar-feed", headers=token_for(user))
    assert r.status_code == 201, r.text
    return r.json()["data"]


@pytest.fixture
def holder(api: Any) -> dict[str, Any]:
    venue = VenueFactory(name="Blue Frog", address="1 MG Road", city="Bengaluru")
    event = PublishedEventFactory(title="Jazz night", venue=venue, description="Live jazz.\nBring friends.")
    ticket = attendance_confirm(user=UserWithProfileFactory(name="Asha Guest"), event_id=event.id)
    return {"event": event, "ticket": ticket, "user": ticket.user, "headers": token_for(ticket.user)}


def test_ticket_ics_has_the_event_in_utc_with_its_place_link_and_status(api, holder):
    event, ticket = holder["event"], holder["ticket"]
    _backdate(event, ticket)
    event.refresh_from_db()

    r = api.get(f"/api/v2/tickets/{ticket.id}/calendar.ics", headers=holder["headers"])

    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    assert r.headers["content-disposition"] == 'attachment; filename="jazz-night.ics"'
    assert r.headers["cache-control"] == "private, no-cache"
    (entry,) = _events(r.content)
    share = f"{BASE}/in/bengaluru/events/jazz-night--{event.canonical_id}"
    assert str(entry["UID"]) == f"{event.id}@testserver"
    assert entry.decoded("DTSTART") == event.start_at.astimezone(UTC).replace(microsecond=0)
    assert entry.decoded("DTEND") == event.end_at.astimezone(UTC).replace(microsecond=0)
    assert entry.decoded("DTSTART").utcoffset() == timedelta(0)
    assert b"DTSTART:" in r.content and event.start_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ").encode() in r.content
    assert str(entry["SUMMARY"]) == "Jazz night"
    assert str(entry["LOCATION"]) == "Blue Frog, 1 MG Road, Bengaluru"
    assert str(entry["URL"]) == share
    assert (
        str(entry["DESCRIPTION"])
        == f"Ticket {ticket.code} · 1 seat · General admission\n\nLive jazz.\nBring friends.\n\n{share}"
    )
    assert str(entry["STATUS"]) == "CONFIRMED"
    assert entry["SEQUENCE"] == 0
    assert entry.decoded("GEO") == (12.9716, 77.5946)


def test_a_cancelled_ticket_is_cancelled_with_a_higher_sequence(api, holder):
    event, ticket = holder["event"], holder["ticket"]
    _backdate(event, ticket)
    attendance_cancel(user=holder["user"], event_id=event.id)
    ticket.refresh_from_db()
    event.refresh_from_db()

    r = api.get(f"/api/v2/tickets/{ticket.id}/calendar.ics", headers=holder["headers"])

    (entry,) = _events(r.content)
    assert str(entry["STATUS"]) == "CANCELLED"
    assert str(entry["TRANSP"]) == "TRANSPARENT"
    assert entry["SEQUENCE"] == int((ticket.cancelled_at - event.created_at).total_seconds())
    assert entry["SEQUENCE"] >= 2 * 3600


def test_someone_elses_ticket_is_not_found_and_anonymous_callers_must_sign_in(api, holder):
    other = UserWithProfileFactory()
    r = api.get(f"/api/v2/tickets/{holder['ticket'].id}/calendar.ics", headers=token_for(other))
    assert r.status_code == 404
    assert r.json()["error_code"] == "TICKET_NOT_FOUND"
    assert api.get(f"/api/v2/tickets/{holder['ticket'].id}/calendar.ics").status_code == 401


def test_the_ticket_answer_links_its_calendar_file(api, holder):
    r = api.get(f"/api/v2/events/{holder['event'].id}/my-ticket", headers=holder["headers"])
    assert r.status_code == 200, r.text
    assert r.json()["data"]["calendar_url"] == f"{BASE}/api/v2/tickets/{holder['ticket'].id}/calendar.ics"
    host = token_for(holder["event"].host)
    r = api.get(f"/api/v2/events/{holder['event'].id}/attendees", headers=host)
    assert [t["calendar_url"] for t in r.json()["data"]] == [None]


def test_feed_address_is_a_secret_stored_as_its_hash(api, holder):
    data = _rotate(api, holder["user"])

    token = data["url"].removeprefix(f"{BASE}/api/v2/calendar/").removesuffix(".ics")
    assert len(token) == 43
    assert data["webcal_url"] == f"webcal://testserver/api/v2/calendar/{token}.ics"
    feed = CalendarFeed.objects.get(user=holder["user"])
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(CalendarFeed.objects.values().get(user=holder["user"]))
    r = api.get("/api/v2/me/calendar-feed", headers=holder["headers"])
    assert r.json()["data"] == {"active": True, "created_at": data["created_at"]}


def test_feed_lists_only_the_persons_tickets_and_answers_304_for_its_etag(api, holder):
    user = holder["user"]
    later = PublishedEventFactory(title="Open mic", venue=None, start_at=timezone.now() + timedelta(days=9))
    attendance_confirm(user=user, event_id=later.id)
    not_mine = PublishedEventFactory(title="Someone else's")
    attendance_confirm(user=UserWithProfileFactory(), event_id=not_mine.id)
    url = _rotate(api, user)["url"].removeprefix(BASE)

    r = api.get(url)

    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    assert r.headers["cache-control"] == "private, max-age=900"
    cal = icalendar.Calendar.from_ical(r.content)
    assert str(cal["X-WR-CALNAME"]) == "Loopin tickets"
    entries = _events(r.content)
    assert [(str(e["SUMMARY"]), str(e["UID"])) for e in entries] == [
        ("Jazz night", f"{holder['event'].id}@testserver"),
        ("Open mic", f"{later.id}@testserver"),
    ]
    assert str(entries[1]["LOCATION"]) == "Cubbon Park"
    etag = r.headers["etag"]
    again = api.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert api.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_feed_follows_a_postponed_event_with_a_new_start_and_a_higher_sequence(api, holder):
    event, ticket = holder["event"], holder["ticket"]
    _backdate(event, ticket)
    url = _rotate(api, holder["user"])["url"].removeprefix(BASE)
    before = api.get(url)
    (old,) = _events(before.content)
    new_start = (event.start_at + timedelta(days=7)).replace(microsecond=0)

    event_transition(actor=event.host, event_id=event.id, target="postponed", new_start_at=new_start)
    event.refresh_from_db()

    after = api.get(url, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    (new,) = _events(after.content)
    assert str(new["UID"]) == str(old["UID"])
    assert old["SEQUENCE"] == 0
    assert new["SEQUENCE"] == int((event.updated_at - event.created_at).total_seconds())
    assert new["SEQUENCE"] >= 2 * 3600
    assert new.decoded("DTSTART") == new_start.astimezone(UTC)
    assert new.decoded("DTEND") == (new_start + timedelta(hours=2)).astimezone(UTC)
    assert str(new["STATUS"]) == "TENTATIVE"


def test_feed_keeps_a_cancelled_event_as_cancelled_for_a_while(api, holder):
    event = holder["event"]
    url = _rotate(api, holder["user"])["url"].removeprefix(BASE)

    event_transition(actor=event.host, event_id=event.id, target="cancelled", reason="Rain")
    (entry,) = _events(api.get(url).content)
    assert str(entry["STATUS"]) == "CANCELLED"
    assert str(entry["DESCRIPTION"]).split("\n\n")[1] == "Cancelled. Rain"

    long_ago = timezone.now() - timedelta(days=31)
    Event.objects.filter(id=event.id).update(cancelled_at=long_ago)
    Ticket.objects.filter(id=holder["ticket"].id).update(cancelled_at=long_ago)
    assert _events(api.get(url).content) == []


def test_rotating_kills_the_old_address_and_deleting_kills_the_feed(api, holder):
    first = _rotate(api, holder["user"])["url"].removeprefix(BASE)
    second = _rotate(api, holder["user"])["url"].removeprefix(BASE)

    r = api.get(first)
    assert r.status_code == 404
    assert r.json()["error_code"] == "CALENDAR_FEED_NOT_FOUND"
    assert api.get(second).status_code == 200
    assert CalendarFeed.objects.filter(user=holder["user"]).count() == 1

    r = api.delete("/api/v2/me/calendar-feed", headers=holder["headers"])
    assert r.status_code == 200
    assert api.get(second).status_code == 404
    r = api.get("/api/v2/me/calendar-feed", headers=holder["headers"])
    assert r.json()["data"] == {"active": False, "created_at": None}


def test_an_unknown_token_is_not_found(api, holder):
    r = api.get("/api/v2/calendar/not-a-real-token.ics")
    assert r.status_code == 404
    assert r.json()["error_code"] == "CALENDAR_FEED_NOT_FOUND"


def test_the_request_log_masks_the_feed_token(api, holder, caplog):
    url = _rotate(api, holder["user"])["url"].removeprefix(BASE)
    token = url.removeprefix("/api/v2/calendar/").removesuffix(".ics")
    caplog.set_level(logging.INFO)

    assert api.get(url).status_code == 200

    lines = [r.msg for r in caplog.records if r.name == "loopin.request" and isinstance(r.msg, dict)]
    assert [line["path"] for line in lines] == ["/api/v2/calendar/<token>.ics"]
    assert token not in caplog.text
    assert all(token not in str(r.msg) for r in caplog.records)


def test_feed_reads_a_constant_number_of_queries(api, holder, django_assert_max_num_queries):
    user = holder["user"]
    for n in range(3):
        attendance_confirm(user=user, event_id=PublishedEventFactory(title=f"Extra {n}").id)
    token = _rotate(api, user)["url"].removeprefix(f"{BASE}/api/v2/calendar/").removesuffix(".ics")

    with django_assert_max_num_queries(2):  # the feed by its hash, then the tickets with events and venues
        file = calendar.calendar_feed_read(token=token)
    assert len(_events(file.body)) == 4
