"""Parking over HTTP: the event's lots, quote → reserve → my reservations, cancel, and the owner's lots."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from loopin.audit.models import AuditEntry
from loopin.parking.models import BandKind, ParkingPriceBand
from loopin.parking.tests.conftest import band, event_at, guest, make_lot
from loopin.testing.factories import UserWithProfileFactory, VenueFactory
from loopin.testing.fixtures import token_for
from loopin.venuecommerce.models import VenueStaff


@pytest.fixture
def setup(api):
    owner = UserWithProfileFactory()
    venue = VenueFactory(created_by=owner)
    lot = make_lot(venue, spaces=4, base_rate="25.00", max_price="150.00")
    band(lot, BandKind.OCCUPANCY, 50, "2.00")
    event = event_at(venue, starts_in=timedelta(days=2))
    return {"api": api, "owner": owner, "venue": venue, "lot": lot, "event": event}


def test_the_event_lists_its_lots_with_spaces_left_and_the_price_now(setup):
    r = setup["api"].get(f"/api/v2/events/{setup['event'].id}/parking")
    assert r.status_code == 200, r.text
    [lot] = r.json()["data"]
    assert (lot["name"], lot["spaces_left"], lot["price_now"], lot["bands"]) == (
        "North lot",
        4,
        "100.00",  # 4 hours × 25
        [{"kind": "occupancy", "threshold": 50, "multiplier": "2.00"}],
    )


def test_quote_then_reserve_pays_the_quoted_price_and_lists_it(setup):
    api, event = setup["api"], setup["event"]
    person = guest(event)
    headers = token_for(person)
    q = api.post(f"/api/v2/events/{event.id}/parking/quotes", json={"lot_id": str(setup["lot"].id)}, headers=headers)
    assert q.status_code == 201, q.text
    quote = q.json()["data"]
    assert (quote["price"], quote["currency"], quote["breakdown"]["hours"]) == ("100.00", "INR", 4)
    for _ in range(2):  # half the lot is taken by others now: the price doubles (capped at 150) for new quotes
        other = guest(event)
        oq = api.post(
            f"/api/v2/events/{event.id}/parking/quotes", json={"lot_id": str(setup["lot"].id)}, headers=token_for(other)
        )
        api.post(
            f"/api/v2/events/{event.id}/parking/reservations",
            json={"quote_id": oq.json()["data"]["id"]},
            headers=token_for(other),
        )
    assert api.get(f"/api/v2/events/{event.id}/parking").json()["data"][0]["price_now"] == "150.00"
    r = api.post(
        f"/api/v2/events/{event.id}/parking/reservations",
        json={"quote_id": quote["id"], "vehicle_plate": "KA 01 AB 1234"},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert (data["status"], data["price"], data["vehicle_plate"], data["qr"]) == (
        "pending",
        "100.00",
        "KA 01 AB 1234",
        None,
    )
    mine = api.get("/api/v2/me/parking/reservations", headers=headers).json()
    assert ([row["id"] for row in mine["data"]], mine["meta"]["total"]) == ([data["id"]], 1)


def test_cancel_over_http(setup):
    api, event = setup["api"], setup["event"]
    person = guest(event)
    headers = token_for(person)
    quote = api.post(
        f"/api/v2/events/{event.id}/parking/quotes", json={"lot_id": str(setup["lot"].id)}, headers=headers
    ).json()["data"]
    held = api.post(
        f"/api/v2/events/{event.id}/parking/reservations", json={"quote_id": quote["id"]}, headers=headers
    ).json()["data"]
    r = api.post(f"/api/v2/me/parking/reservations/{held['id']}/cancel", headers=headers)
    assert (r.status_code, r.json()["data"]["status"]) == (200, "cancelled")
    assert api.get(f"/api/v2/events/{event.id}/parking").json()["data"][0]["spaces_left"] == 4
    r = api.post(f"/api/v2/me/parking/reservations/{held['id']}/cancel", headers=token_for(guest(event)))
    assert (r.status_code, r.json()["error_code"]) == (404, "RESERVATION_NOT_FOUND")


def test_a_stranger_is_told_to_get_a_ticket_first(setup):
    r = setup["api"].post(
        f"/api/v2/events/{setup['event'].id}/parking/quotes",
        json={"lot_id": str(setup["lot"].id)},
        headers=token_for(UserWithProfileFactory()),
    )
    assert (r.status_code, r.json()["error_code"]) == (403, "NOT_A_GUEST")


def test_bad_input_is_a_422(setup):
    person = guest(setup["event"])
    r = setup["api"].post(
        f"/api/v2/events/{setup['event'].id}/parking/reservations",
        json={"quote_id": "not-a-uuid", "vehicle_plate": "<script>"},
        headers=token_for(person),
    )
    assert (r.status_code, r.json()["error_code"]) == (422, "VALIDATION_ERROR")


def test_the_owner_adds_and_changes_a_lot_and_others_may_not(setup):
    api, venue = setup["api"], setup["venue"]
    body = {
        "name": "Basement",
        "spaces": 40,
        "latitude": "12.970000",
        "longitude": "77.590000",
        "base_rate": "30.00",
        "min_price": "50.00",
        "max_price": "300.00",
        "bands": [
            {"kind": "occupancy", "threshold": 75, "multiplier": "1.5"},
            {"kind": "lead_time", "threshold": 120, "multiplier": "1.2"},
        ],
    }
    r = api.post(f"/api/v2/venues/{venue.id}/parking-lots", json=body, headers=token_for(UserWithProfileFactory()))
    assert (r.status_code, r.json()["error_code"]) == (403, "NOT_VENUE_MANAGER")
    r = api.post(f"/api/v2/venues/{venue.id}/parking-lots", json=body, headers=token_for(setup["owner"]))
    assert r.status_code == 201, r.text
    lot = r.json()["data"]
    assert (lot["spaces"], lot["min_price"], len(lot["bands"])) == (40, "50.00", 2)
    r = api.patch(
        f"/api/v2/parking-lots/{lot['id']}",
        json={"max_price": None, "bands": [{"kind": "occupancy", "threshold": 90, "multiplier": "2.00"}]},
        headers=token_for(setup["owner"]),
    )
    assert r.status_code == 200, r.text
    assert (r.json()["data"]["max_price"], r.json()["data"]["bands"]) == (
        None,
        [{"kind": "occupancy", "threshold": 90, "multiplier": "2.00"}],
    )
    assert ParkingPriceBand.objects.filter(lot_id=lot["id"]).count() == 1
    r = api.patch(f"/api/v2/parking-lots/{lot['id']}", json={"min_price": "400.00", "max_price": "100.00"},
                  headers=token_for(setup["owner"]))  # fmt: skip
    assert (r.status_code, r.json()["error_code"]) == (422, "VALIDATION_ERROR")
    names = [row["name"] for row in api.get(f"/api/v2/venues/{venue.id}/parking-lots").json()["data"]]
    assert names == ["Basement", "North lot"]


@pytest.mark.parametrize(("role", "status"), [("manager", 200), ("parking", 403), ("concessions", 403)])
def test_lots_are_managed_by_the_venues_managers_through_the_venue_role_table(setup, role, status):
    person = UserWithProfileFactory()
    VenueStaff.objects.create(venue=setup["venue"], user=person, role=role, accepted_at=timezone.now())
    r = setup["api"].patch(f"/api/v2/parking-lots/{setup['lot'].id}", json={"spaces": 6}, headers=token_for(person))
    assert r.status_code == status, r.text


def test_staff_with_the_lot_permission_manage_any_lot(setup):
    person = UserWithProfileFactory(is_staff=True)
    person.user_permissions.add(Permission.objects.get(codename="change_parkinglot"))
    r = setup["api"].patch(f"/api/v2/parking-lots/{setup['lot'].id}", json={"spaces": 6}, headers=token_for(person))
    assert (r.status_code, r.json()["data"]["spaces"]) == (200, 6)
    assert AuditEntry.objects.get(action="staff.venue_access", actor=person).data["action"] == "parking_lots"
