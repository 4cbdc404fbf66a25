"""The gate over HTTP: the guest's signed pass, entry and exit by parking staff, replays, overstay charges."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from loopin.audit.models import AuditEntry
from loopin.parking.models import OverstayCharge, ParkingReservation, ReservationStatus
from loopin.parking.passes import pass_token
from loopin.parking.services.reservations import parking_quote, parking_reserve, reservation_confirm
from loopin.parking.tests.conftest import event_at, guest, make_lot
from loopin.testing.factories import UserWithProfileFactory, VenueFactory
from loopin.testing.fixtures import token_for
from loopin.venuecommerce.models import VenueStaff


@pytest.fixture
def gate(api):
    owner = UserWithProfileFactory(name="Venue Owner")
    venue = VenueFactory(created_by=owner)
    lot = make_lot(venue, spaces=3, base_rate="40.00", grace_minutes=15)
    event = event_at(venue, starts_in=timedelta(minutes=30))  # the window opened 30 minutes ago
    person = guest(event, name="Asha Guest")
    quote = parking_quote(user=person, event_id=event.id, lot_id=lot.id)
    reservation = parking_reserve(user=person, event_id=event.id, quote_id=quote.id, vehicle_plate="KA01AB1234")
    reservation_confirm(reservation_id=reservation.id, payment_reference="pay_test")
    return {"api": api, "owner": owner, "lot": lot, "event": event, "guest": person, "reservation": reservation}


def _pass(g) -> str:
    r = g["api"].get(f"/api/v2/me/parking/reservations/{g['reservation'].id}", headers=token_for(g["guest"]))
    assert r.status_code == 200, r.text
    return r.json()["data"]["qr"]


def _scan(g, qr: str, direction: str = "entry", *, nonce: str | None = None, by=None, lot=None):
    return g["api"].post(
        f"/api/v2/parking-lots/{(lot or g['lot']).id}/scans",
        json={"nonce": nonce or uuid.uuid4().hex, "qr": qr, "direction": direction},
        headers=token_for(by or g["owner"]),
    )


def test_a_confirmed_reservation_carries_a_pass_and_a_pending_one_does_not(gate):
    qr = _pass(gate)
    assert qr.startswith("LPK1.")
    other = guest(gate["event"])
    held = parking_reserve(
        user=other,
        event_id=gate["event"].id,
        quote_id=parking_quote(user=other, event_id=gate["event"].id, lot_id=gate["lot"].id).id,
    )
    r = gate["api"].get(f"/api/v2/me/parking/reservations/{held.id}", headers=token_for(other))
    assert (r.json()["data"]["status"], r.json()["data"]["qr"]) == ("pending", None)


def test_entry_then_exit_inside_the_window(gate):
    qr = _pass(gate)
    entry = _scan(gate, qr)
    assert entry.status_code == 200, entry.text
    body = entry.json()["data"]
    assert (body["status"], body["reservation"]["inside"], body["reservation"]["guest"]) == ("ok", True, "Asha Guest")
    again = _scan(gate, qr).json()["data"]
    assert again["status"] == "already_inside"
    out = _scan(gate, qr, "exit").json()["data"]
    assert (out["status"], out["message"], out["overstay"]) == ("ok", "Drive safely.", None)
    assert ParkingReservation.objects.get(id=gate["reservation"].id).status == ReservationStatus.CONFIRMED


def test_the_same_nonce_replays_the_answer_and_another_scan_with_it_is_refused(gate):
    qr = _pass(gate)
    first = _scan(gate, qr, nonce="gate-nonce-1").json()
    assert _scan(gate, qr, nonce="gate-nonce-1").json() == first
    r = _scan(gate, qr, "exit", nonce="gate-nonce-1")
    assert (r.status_code, r.json()["error_code"]) == (409, "GATE_NONCE_REUSED")
    assert ParkingReservation.objects.get(id=gate["reservation"].id).inside is True


def test_only_parking_staff_scan(gate):
    r = _scan(gate, _pass(gate), by=UserWithProfileFactory())
    assert (r.status_code, r.json()["error_code"]) == (403, "NOT_PARKING_STAFF")


@pytest.mark.parametrize(("role", "status"), [("parking", 200), ("manager", 200), ("concessions", 403)])
def test_venue_staff_in_the_parking_or_manager_role_scan(gate, role, status):
    attendant = UserWithProfileFactory()
    VenueStaff.objects.create(venue=gate["lot"].venue, user=attendant, role=role, accepted_at=timezone.now())
    assert _scan(gate, _pass(gate), by=attendant).status_code == status


def test_someone_asked_but_not_yet_accepted_does_not_scan(gate):
    attendant = UserWithProfileFactory()
    VenueStaff.objects.create(venue=gate["lot"].venue, user=attendant, role="parking")
    assert _scan(gate, _pass(gate), by=attendant).json()["error_code"] == "NOT_PARKING_STAFF"


def test_staff_with_the_gate_permission_scan_at_any_lot_audited(gate):
    attendant = UserWithProfileFactory(is_staff=True)
    attendant.user_permissions.add(Permission.objects.get(codename="operate_gate"))
    assert _scan(gate, _pass(gate), by=attendant).json()["data"]["status"] == "ok"
    access = AuditEntry.objects.get(action="staff.venue_access", actor=attendant)
    assert (access.data["action"], access.data["permissions"]) == ("parking", ["parking.operate_gate"])


def test_the_gate_permission_without_staff_status_does_not_scan(gate):
    attendant = UserWithProfileFactory()
    attendant.user_permissions.add(Permission.objects.get(codename="operate_gate"))
    assert _scan(gate, _pass(gate), by=attendant).json()["error_code"] == "NOT_PARKING_STAFF"


def test_a_ticket_qr_or_a_forged_pass_is_not_a_parking_pass(gate):
    ticket = gate["guest"].tickets.get()
    ticket_qr = gate["api"].get(f"/api/v2/me/tickets/{ticket.id}/qr?format=token", headers=token_for(gate["guest"]))
    token = ticket_qr.json()["data"]["token"]
    assert _scan(gate, token).json()["data"] | {"scanned_at": None, "nonce": None} == {
        "status": "invalid",
        "reason": "malformed",
        "message": "This is not a valid parking pass.",
        "nonce": None,
        "direction": "entry",
        "scanned_at": None,
        "reservation": None,
        "overstay": None,
    }
    genuine = _pass(gate)
    forged = genuine[:-4] + ("AAAA" if not genuine.endswith("AAAA") else "BBBB")
    assert _scan(gate, forged).json()["data"]["reason"] == "bad_signature"


def test_a_pass_of_another_lot_is_refused(gate):
    other_lot = make_lot(gate["lot"].venue, name="South lot")
    assert _scan(gate, _pass(gate), lot=other_lot).json()["data"]["status"] == "wrong_lot"


def test_leaving_after_the_window_and_its_grace_records_an_overstay_charge(gate):
    qr = _pass(gate)
    assert _scan(gate, qr).json()["data"]["status"] == "ok"
    ends = timezone.now() - timedelta(minutes=70)  # the window ended 70 minutes ago
    ParkingReservation.objects.filter(id=gate["reservation"].id).update(reserved_until=ends)
    out = _scan(gate, qr, "exit").json()["data"]
    charge = OverstayCharge.objects.get(reservation=gate["reservation"])
    assert (charge.minutes, charge.hours_charged, charge.amount, charge.status) == (70, 2, Decimal("80.00"), "due")
    assert out["overstay"] == {
        "id": str(charge.id),
        "minutes": 70,
        "amount": "80.00",
        "currency": "INR",
        "status": "due",
    }
    assert ParkingReservation.objects.get(id=gate["reservation"].id).status == ReservationStatus.COMPLETED
    assert _scan(gate, qr).json()["data"]["status"] == "not_confirmed"


def test_a_cancelled_hold_does_not_open_the_gate(gate):
    ParkingReservation.objects.filter(id=gate["reservation"].id).update(status=ReservationStatus.CANCELLED)
    body = _scan(gate, pass_token(ParkingReservation.objects.get(id=gate["reservation"].id))).json()["data"]
    assert (body["status"], body["reason"]) == ("not_confirmed", "cancelled")
