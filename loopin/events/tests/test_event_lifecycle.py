"""Creating, editing, publishing, cancelling and deleting events, over HTTP, with permissions."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from loopin.audit.models import AuditEntry
from loopin.events.models import Event, EventStatus, HostLead
from loopin.staff.groups import OPERATIONS, READ_ONLY, SUPPORT
from loopin.testing.factories import NewUserFactory, PublishedEventFactory, UserWithProfileFactory, VenueFactory
from loopin.testing.fixtures import interest_ids, staff_in, token_for


@pytest.fixture
def host(api):
    return UserWithProfileFactory()


def _in(days: float) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


def _body(**overrides):
    return {
        "title": "Sunday sunrise run",
        "description": "5 km around the lake",
        "location_text": "Ulsoor Lake",
        "city": "Bengaluru",
        "start_at": _in(5),
        "duration_hours": 2,
        "capacity": 20,
        "interest_ids": interest_ids(2),
        **overrides,
    }


def _create(api, host, **overrides):
    r = api.post("/api/v2/events", json=_body(**overrides), headers=token_for(host))
    assert r.status_code == 201, r.text
    return r.json()["data"]


def _codes(r):
    return [(f["field"], f["code"]) for f in r.json()["details"]["fields"]]


def test_create_a_draft(api, host):
    data = _create(api, host)
    assert data["status"] == "draft"
    assert data["title"] == "Sunday sunrise run"
    assert data["host"]["id"] == str(host.id)
    assert data["seats_left"] == 20 and data["going_count"] == 0
    assert data["is_host"] is True
    assert data["start_at"].endswith("+05:30")  # shown in the display zone
    event = Event.objects.get(id=data["id"])
    assert event.end_at - event.start_at == timedelta(hours=2)
    assert len(event.canonical_id) == 8
    assert data["share_path"] == f"/in/bengaluru/events/sunday-sunrise-run--{event.canonical_id}"
    assert AuditEntry.objects.filter(action="event.created", object_id=str(event.id)).count() == 1


def test_create_and_publish_with_a_venue(api, host):
    venue = VenueFactory(city="Mumbai")
    data = _create(
        api,
        host,
        venue_id=str(venue.id),
        location_text=None,
        city=None,
        publish=True,
        end_at=_in(5.2),
        duration_hours=None,
    )
    assert data["status"] == "published"
    assert data["venue"] == {"id": str(venue.id), "name": venue.name, "city": "Mumbai"}
    assert data["city"] == "Mumbai"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"title": "ab"}, ("title", "INVALID_TITLE")),
        ({"start_at": _in(-1)}, ("start_at", "START_IN_PAST")),
        ({"duration_hours": None}, ("body", "END_REQUIRED")),
        ({"end_at": _in(4), "duration_hours": None}, ("end_at", "END_BEFORE_START")),
        ({"end_at": _in(6)}, ("body", "END_OR_DURATION")),
        ({"location_text": None}, ("venue_id", "LOCATION_REQUIRED")),
        ({"is_paid": True}, ("ticket_price", "PRICE_REQUIRED")),
        ({"interest_ids": []}, ("interest_ids", "INTEREST_COUNT")),
        ({"latitude": 12.9}, ("body", "COORDINATES_PAIR")),
        ({"allowed_genders": ["all", "male"]}, ("allowed_genders", "INVALID_GENDERS")),
        ({"capacity": -1}, ("capacity", "GREATER_THAN_EQUAL")),
        ({"cover_images": ["https://a.example/1.jpg"] * 4}, ("cover_images", "TOO_MANY_IMAGES")),
        ({"venue_id": "00000000-0000-0000-0000-000000000000"}, ("venue_id", "UNKNOWN_VENUE")),
    ],
)
def test_create_validation(api, host, overrides, expected):
    r = api.post("/api/v2/events", json=_body(**overrides), headers=token_for(host))
    assert r.status_code == 422, r.text
    assert _codes(r)[0] == expected
    assert Event.objects.count() == 0


def test_creating_needs_a_complete_profile(api):
    r = api.post("/api/v2/events", json=_body(), headers=token_for(NewUserFactory()))
    assert r.status_code == 403
    assert r.json()["error_code"] == "PROFILE_INCOMPLETE"


def test_when_hosts_require_approval_only_marked_hosts_create(api, host, app_settings):
    app_settings.HOSTS_REQUIRE_APPROVAL = True
    r = api.post("/api/v2/events", json=_body(), headers=token_for(host))
    assert r.status_code == 403 and r.json()["error_code"] == "HOST_APPROVAL_REQUIRED"
    host.is_host = True
    host.save()
    assert api.post("/api/v2/events", json=_body(), headers=token_for(host)).status_code == 201


def test_drafts_are_seen_only_by_their_host(api, host):
    data = _create(api, host)
    assert api.get(f"/api/v2/events/{data['id']}", headers=token_for(host)).status_code == 200
    other = api.get(f"/api/v2/events/{data['id']}", headers=token_for(UserWithProfileFactory()))
    assert other.status_code == 404 and other.json()["error_code"] == "EVENT_NOT_FOUND"
    assert api.get(f"/api/v2/events/{data['id']}").status_code == 404
    staff = staff_in(READ_ONLY)  # staff with events.view_event see drafts; is_staff alone does not
    assert api.get(f"/api/v2/events/{data['id']}", headers=token_for(staff)).status_code == 200
    bare = UserWithProfileFactory(is_staff=True)
    assert api.get(f"/api/v2/events/{data['id']}", headers=token_for(bare)).status_code == 404


def test_lifecycle_moves_and_illegal_ones(api, host):
    event_id = _create(api, host)["id"]
    h = token_for(host)
    r = api.post(f"/api/v2/events/{event_id}/postpone", json={}, headers=h)
    assert r.status_code == 400 and r.json()["error_code"] == "INVALID_TRANSITION"
    assert r.json()["details"] == {"from": "draft", "to": "postponed"}
    assert api.post(f"/api/v2/events/{event_id}/publish", json={}, headers=h).json()["data"]["status"] == "published"
    r = api.post(f"/api/v2/events/{event_id}/postpone", json={"reason": "Rain"}, headers=h)
    assert r.json()["data"]["status"] == "postponed"
    assert r.json()["data"]["status_reason"] == "Rain"
    new_start = _in(10)
    r = api.post(f"/api/v2/events/{event_id}/publish", json={"new_start_at": new_start}, headers=h)
    assert r.json()["data"]["status"] == "published"
    assert Event.objects.get(id=event_id).end_at - Event.objects.get(id=event_id).start_at == timedelta(hours=2)
    r = api.post(f"/api/v2/events/{event_id}/complete", json={}, headers=h)
    assert r.status_code == 400 and r.json()["error_code"] == "EVENT_NOT_STARTED"
    assert api.post(f"/api/v2/events/{event_id}/cancel", json={"reason": "Venue closed"}, headers=h).status_code == 200
    r = api.post(f"/api/v2/events/{event_id}/publish", json={}, headers=h)
    assert r.json()["error_code"] == "INVALID_TRANSITION"
    actions = list(
        AuditEntry.objects.filter(object_id=event_id).order_by("created_at").values_list("action", flat=True)
    )
    assert actions == ["event.created", "event.published", "event.postponed", "event.published", "event.cancelled"]


def test_only_the_host_or_staff_change_an_event(api, host):
    event = PublishedEventFactory(host=host)
    stranger = token_for(UserWithProfileFactory())
    for method, path, body in [("post", "cancel", {}), ("patch", "", {"title": "Hijacked"}), ("delete", "", None)]:
        url = f"/api/v2/events/{event.id}/{path}".rstrip("/")
        r = api.request(method, url, json=body, headers=stranger)
        assert r.status_code == 403, (method, path)
        assert r.json()["error_code"] == "NOT_EVENT_HOST"
        assert api.request(method, url, json=body).status_code == 401
    support = token_for(staff_in(SUPPORT))  # looks, never writes
    r = api.post(f"/api/v2/events/{event.id}/cancel", json={"reason": "Policy"}, headers=support)
    assert r.status_code == 403
    operations = token_for(staff_in(OPERATIONS))  # events.change_event, as in the admin
    r = api.post(f"/api/v2/events/{event.id}/cancel", json={"reason": "Policy"}, headers=operations)
    assert r.status_code == 200


def test_cancelled_events_stay_visible_with_their_status(api, host):
    event = PublishedEventFactory(host=host)
    api.post(f"/api/v2/events/{event.id}/cancel", json={}, headers=token_for(host))
    r = api.get(f"/api/v2/events/{event.id}")
    assert r.status_code == 200 and r.json()["data"]["status"] == "cancelled"


def test_moving_a_published_event_is_recorded(api, host):
    event = PublishedEventFactory(host=host)
    old_start = event.start_at
    r = api.patch(f"/api/v2/events/{event.id}", json={"start_at": _in(7)}, headers=token_for(host))
    assert r.status_code == 200
    entry = AuditEntry.objects.get(action="event.updated", object_id=str(event.id))
    assert entry.data["changes"]["start_at"][0] == str(old_start)
    assert set(entry.data["changes"]) == {"start_at", "end_at"}


def test_partial_update_keeps_other_fields_and_refuses_nulls(api, host):
    event = PublishedEventFactory(host=host, capacity=10)
    h = token_for(host)
    r = api.patch(f"/api/v2/events/{event.id}", json={"description": "New words"}, headers=h)
    assert r.status_code == 200
    assert r.json()["data"]["description"] == "New words"
    assert r.json()["data"]["capacity"] == 10
    r = api.patch(f"/api/v2/events/{event.id}", json={"title": None}, headers=h)
    assert r.status_code == 422 and _codes(r) == [("title", "NULL_NOT_ALLOWED")]


def test_capacity_cannot_drop_below_seats_taken(api, host):
    event = PublishedEventFactory(host=host, capacity=10, seats_taken=6, going_count=6)
    r = api.patch(f"/api/v2/events/{event.id}", json={"capacity": 5}, headers=token_for(host))
    assert r.status_code == 422 and _codes(r) == [("capacity", "CAPACITY_BELOW_TAKEN")]


def test_title_change_moves_the_slug_and_old_share_paths_still_resolve(api, host):
    data = _create(api, host, publish=True)
    old_path = data["share_path"]
    r = api.patch(f"/api/v2/events/{data['id']}", json={"title": "Sunrise run, take two"}, headers=token_for(host))
    new_path = r.json()["data"]["share_path"]
    assert new_path.endswith(f"/sunrise-run-take-two--{data['canonical_id']}")
    r = api.get("/api/v2/events/resolve", params={"path": old_path})
    assert r.status_code == 200
    assert r.json()["data"]["redirect"] is True and r.json()["data"]["share_path"] == new_path
    assert api.get("/api/v2/events/resolve", params={"path": new_path}).json()["data"]["redirect"] is False
    r = api.get(f"/api/v2/events/canonical/{data['canonical_id']}")
    assert r.status_code == 200 and r.json()["data"]["id"] == data["id"]
    assert api.get("/api/v2/events/canonical/nope1234").status_code == 404
    assert api.get("/api/v2/events/resolve", params={"path": "/in/x/events/no-id"}).status_code == 404


def test_soft_delete(api, host):
    event = PublishedEventFactory(host=host)
    r = api.delete(f"/api/v2/events/{event.id}", headers=token_for(host))
    assert r.status_code == 200
    assert Event.objects.get(id=event.id).deleted_at is not None  # kept in the database
    assert api.get(f"/api/v2/events/{event.id}", headers=token_for(host)).status_code == 404
    assert api.get("/api/v2/events").json()["meta"]["total"] == 0


def test_an_event_with_guests_must_be_cancelled_before_deleting(api, host):
    event = PublishedEventFactory(host=host)
    api.post(f"/api/v2/events/{event.id}/confirm-attendance", json={}, headers=token_for(UserWithProfileFactory()))
    r = api.delete(f"/api/v2/events/{event.id}", headers=token_for(host))
    assert r.status_code == 409 and r.json()["error_code"] == "EVENT_HAS_GUESTS"


def test_cancelling_voids_free_tickets_and_frees_seats(api, host):
    event = PublishedEventFactory(host=host, capacity=5)
    guest = UserWithProfileFactory()
    api.post(f"/api/v2/events/{event.id}/confirm-attendance", json={}, headers=token_for(guest))
    api.post(f"/api/v2/events/{event.id}/cancel", json={}, headers=token_for(host))
    event.refresh_from_db()
    assert (event.status, event.seats_taken, event.going_count) == (EventStatus.CANCELLED, 0, 0)
    ticket = api.get(f"/api/v2/events/{event.id}/my-ticket", headers=token_for(guest)).json()["data"]
    assert ticket["status"] == "cancelled"


def test_cover_image_uploads(api, host):
    buf = io.BytesIO()
    Image.new("RGB", (32, 32)).save(buf, format="PNG")
    png = buf.getvalue()
    event = PublishedEventFactory(host=host)
    url = f"/api/v2/events/{event.id}/images"
    r = api.post(url, headers=token_for(host), files=[("images", ("a.png", png, "image/png"))] * 2)
    assert r.status_code == 201
    images = r.json()["data"]["images"]
    assert len(images) == 2 and r.json()["data"]["cover_image"] == images[0]["url"]
    r = api.post(url, headers=token_for(host), files=[("images", ("a.png", png, "image/png"))] * 2)
    assert r.status_code == 422 and _codes(r) == [("images", "TOO_MANY_IMAGES")]
    r = api.delete(f"{url}/{images[0]['id']}", headers=token_for(host))
    assert r.status_code == 200
    assert len(api.get(f"/api/v2/events/{event.id}").json()["data"]["images"]) == 1


def test_become_a_host_records_one_lead_per_phone(api):
    body = {"first_name": "Asha", "last_name": "Rao", "phone_number": "98765 43210", "message": "Run clubs"}
    r = api.post("/api/v2/hosts/become-a-host", json=body)
    assert r.status_code == 201 and r.json()["data"]["state"] == "new"
    assert HostLead.objects.get().phone_number == "+919876543210"
    r = api.post("/api/v2/hosts/become-a-host", json={**body, "phone_number": "+91 98765 43210"})
    assert r.status_code == 409 and r.json()["error_code"] == "HOST_LEAD_EXISTS"
    r = api.post("/api/v2/hosts/become-a-host", json={**body, "phone_number": "123"})
    assert r.status_code == 422


def test_venues_create_get_and_search(api, host):
    h = token_for(host)
    r = api.post(
        "/api/v2/venues",
        json={
            "name": "The Courtyard",
            "city": "Mumbai",
            "latitude": "19.07",
            "longitude": "72.87",
            "venue_type": "outdoor",
        },
        headers=h,
    )
    assert r.status_code == 201
    venue = r.json()["data"]
    assert venue["is_verified"] is False and venue["latitude"] == 19.07
    api.post("/api/v2/venues", json={"name": "Blue Frog", "city": "Pune"}, headers=h)
    assert api.get(f"/api/v2/venues/{venue['id']}").json()["data"]["name"] == "The Courtyard"
    assert [v["name"] for v in api.get("/api/v2/venues", params={"city": "mumbai"}).json()["data"]] == ["The Courtyard"]
    assert [v["name"] for v in api.get("/api/v2/venues", params={"q": "frog"}).json()["data"]] == ["Blue Frog"]
    assert api.post("/api/v2/venues", json={"name": "X", "city": "Pune"}).status_code == 401
    assert api.get("/api/v2/venues/00000000-0000-0000-0000-000000000000").status_code == 404
