"""The share page of an event, in every state, as a browser and a link-preview bot read it."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image

from loopin.events.models import EventStatus, JoinMode, Visibility
from loopin.events.selectors import share_path
from loopin.testing.factories import PublishedEventFactory, VenueFactory
from loopin.web.tests.pages import preview_tags

pytestmark = pytest.mark.django_db(transaction=True)


def _paid_event(**kw):
    venue = VenueFactory(name="Blue Tokai Roastery", address="12th Main, Indiranagar", city="Bengaluru")
    start = timezone.now().replace(microsecond=0) + timedelta(days=5)
    defaults = dict(
        title="Indie music night",
        slug="indie-music-night",
        canonical_id="ab12cd34",
        venue=venue,
        city="Bengaluru",
        start_at=start,
        end_at=start + timedelta(hours=3),
        is_paid=True,
        ticket_price=Decimal("499.00"),
        capacity=40,
        seats_taken=3,
        going_count=3,
    )
    defaults.update(kw)
    return PublishedEventFactory(**defaults)


def test_an_event_page_carries_preview_tags_canonical_link_and_json_ld(api):
    event = _paid_event()
    path = share_path(event)
    assert path == "/in/bengaluru/events/indie-music-night--ab12cd34"
    r = api.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.headers["cache-control"] == "public, max-age=60"
    tags = preview_tags(r.text)
    url = "http://testserver" + path
    assert tags.links["canonical"] == url
    assert tags.meta["og:title"] == "Indie music night"
    assert tags.meta["og:url"] == url
    assert tags.meta["og:image"] == "http://testserver/e/ab12cd34/preview.jpg"
    assert (tags.meta["og:image:width"], tags.meta["og:image:height"]) == ("1200", "630")
    assert tags.meta["twitter:card"] == "summary_large_image"
    assert tags.meta["twitter:image"] == tags.meta["og:image"]
    assert "Blue Tokai Roastery, Bengaluru · ₹499 · 37 seats left" in tags.meta["og:description"]
    assert "robots" not in tags.meta
    [ld] = tags.json_ld
    start_ist = event.start_at.astimezone(timezone.get_fixed_timezone(330)).isoformat()
    assert ld["@type"] == "Event" and ld["name"] == "Indie music night"
    assert ld["startDate"] == start_ist and ld["startDate"].endswith("+05:30")
    assert ld["eventStatus"] == "https://schema.org/EventScheduled"
    assert ld["location"]["name"] == "Blue Tokai Roastery"
    assert ld["location"]["address"]["streetAddress"] == "12th Main, Indiranagar"
    assert ld["location"]["geo"] == {"@type": "GeoCoordinates", "latitude": 12.9716, "longitude": 77.5946}
    assert ld["offers"]["price"] == "499.00" and ld["offers"]["priceCurrency"] == "INR"
    assert ld["offers"]["availability"] == "https://schema.org/InStock"
    assert ld["organizer"]["url"] == f"http://testserver/hosts/{event.host_id}"
    # What a person sees: the time in IST, the place with a map, the price, seats and the way in.
    assert "IST" in r.text and "Open in maps" in r.text and "37 seats left" in r.text and "3 people are going" in r.text
    assert 'href="loopin://e/ab12cd34"' in r.text and "Get tickets · ₹499" in r.text
    assert event.host.phone_number not in r.text


def test_a_repeat_visit_gets_304_and_an_old_slug_a_301(api):
    event = _paid_event()
    first = api.get(share_path(event))
    again = api.get(share_path(event), headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    old = api.get("/in/mumbai/events/old-title--ab12cd34?utm_source=wa", follow_redirects=False)
    assert old.status_code == 301
    assert old.headers["location"] == share_path(event) + "?utm_source=wa"
    short = api.get("/e/AB12CD34", follow_redirects=False)
    assert (short.status_code, short.headers["location"]) == (302, share_path(event))


def test_the_preview_picture_is_a_1200_by_630_jpeg(api):
    _paid_event()
    r = api.get("/e/ab12cd34/preview.jpg")
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(r.content)) as image:
        assert (image.format, image.size) == ("JPEG", (1200, 630))


@pytest.mark.parametrize(
    ("changes", "banner", "schema_status"),
    [
        ({"status": EventStatus.CANCELLED, "status_reason": "Rain"}, "Cancelled: Rain", "EventCancelled"),
        ({"status": EventStatus.POSTPONED}, "Postponed: new date to be announced", "EventPostponed"),
        ({"status": EventStatus.COMPLETED}, "This event has ended", "EventScheduled"),
    ],
)
def test_cancelled_postponed_and_past_events_say_so_and_offer_no_way_in(api, changes, banner, schema_status):
    event = _paid_event(**changes)
    r = api.get(share_path(event))
    assert r.status_code == 200
    assert banner in r.text
    assert 'id="cta"' not in r.text
    [ld] = preview_tags(r.text).json_ld
    assert ld["eventStatus"] == f"https://schema.org/{schema_status}"


def test_an_event_that_has_ended_is_past_even_before_the_host_completes_it(api):
    start = timezone.now() - timedelta(hours=5)
    event = _paid_event(start_at=start, end_at=start + timedelta(hours=2))
    r = api.get(share_path(event))
    assert "This event has ended" in r.text
    assert preview_tags(r.text).meta["robots"] == "noindex"


def test_a_private_event_page_shows_nothing_about_it(api):
    event = _paid_event(visibility=Visibility.PRIVATE, title="Secret supper club", slug="secret-supper-club")
    r = api.get(share_path(event))
    assert r.status_code == 200
    assert "A private event" in r.text
    assert "Secret supper club" not in r.text and "Blue Tokai" not in r.text
    tags = preview_tags(r.text)
    assert tags.meta["robots"] == "noindex" and tags.meta["og:title"] == "A private event"
    assert tags.json_ld == []
    assert r.headers["x-robots-tag"] == "noindex"


def test_a_deleted_event_is_410_gone_and_a_draft_or_unknown_one_404(api):
    deleted = _paid_event(deleted_at=timezone.now())
    r = api.get(share_path(deleted))
    assert r.status_code == 410 and "This event was removed" in r.text
    assert api.get("/e/ab12cd34").status_code == 410
    draft = _paid_event(status=EventStatus.DRAFT, canonical_id="dr4ft000", slug="draft")
    assert api.get(share_path(draft)).status_code == 404
    missing = api.get("/in/bengaluru/events/nothing--zz99zz99")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    assert api.get("/in/bengaluru/events/no-id-here").status_code == 404


@pytest.mark.parametrize(
    ("changes", "label", "link"),
    [
        ({"seats_taken": 40, "capacity": 40}, "Sold out", False),
        ({"join_mode": JoinMode.APPROVAL}, "Request to join", True),
        ({"join_mode": JoinMode.INVITE_ONLY}, "Invite only", False),
        ({"is_paid": False, "ticket_price": Decimal("0")}, "Get a free ticket", True),
    ],
)
def test_the_button_says_what_the_reader_can_do(api, changes, label, link):
    event = _paid_event(**changes)
    r = api.get(share_path(event))
    assert label in r.text
    assert ('href="loopin://e/ab12cd34"' in r.text) is link


def test_public_pages_leave_the_api_and_admin_paths_alone(api):
    _paid_event()
    r = api.get("/api/v2/nothing-here")
    assert r.status_code == 404 and r.json()["error_code"] == "NOT_FOUND"
    assert api.get("/django/e/ab12cd34").status_code == 404  # the admin's Django does not serve public pages
    assert api.post("/e/ab12cd34").status_code == 405
