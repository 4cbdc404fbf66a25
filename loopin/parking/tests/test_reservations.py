"""Quotes and reservations: only guests, the price shown is the price paid, holds expire, cancellations."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loopin.core.errors import Conflict, NotFound, PermissionDenied
from loopin.parking.models import ParkingInventory, ParkingReservation, ReservationStatus
from loopin.parking.services.reservations import (
    parking_holds_expire,
    parking_quote,
    parking_reservation_cancel,
    parking_reserve,
    reservation_confirm,
)
from loopin.parking.tests.conftest import BandKind, band, guest, make_lot
from loopin.testing.factories import UserWithProfileFactory, VenueFactory


def _taken(lot, event) -> int:
    return ParkingInventory.objects.get(lot=lot, event=event).spaces_taken


def test_a_person_without_a_ticket_gets_no_quote(lot, event):
    with pytest.raises(PermissionDenied) as exc:
        parking_quote(user=UserWithProfileFactory(), event_id=event.id, lot_id=lot.id)
    assert exc.value.code == "NOT_A_GUEST"


def test_a_lot_of_another_venue_is_not_found(event):
    other = make_lot(VenueFactory())
    with pytest.raises(NotFound) as exc:
        parking_quote(user=guest(event), event_id=event.id, lot_id=other.id)
    assert exc.value.code == "LOT_NOT_FOUND"


def test_reserving_with_a_quote_holds_a_space_at_the_quoted_price(lot, event):
    person = guest(event)
    quote = parking_quote(user=person, event_id=event.id, lot_id=lot.id)
    assert quote.price == Decimal("200.00")  # 4 hours × 50
    reservation = parking_reserve(user=person, event_id=event.id, quote_id=quote.id, vehicle_plate="ka 01 ab 1234")
    assert (reservation.status, reservation.price, reservation.vehicle_plate) == (
        ReservationStatus.PENDING,
        Decimal("200.00"),
        "KA 01 AB 1234",
    )
    assert reservation.reserved_from == event.start_at - timedelta(hours=1)
    assert reservation.reserved_until == event.end_at + timedelta(hours=1)
    assert _taken(lot, event) == 1


def test_the_quoted_price_is_honoured_after_the_rule_and_occupancy_change(lot, event):
    person = guest(event)
    quote = parking_quote(user=person, event_id=event.id, lot_id=lot.id)
    band(lot, BandKind.OCCUPANCY, 0, "3.00")  # the price triples for everyone asking from now on
    lot.base_rate = Decimal("80.00")
    lot.save()
    assert parking_quote(user=guest(event), event_id=event.id, lot_id=lot.id).price == Decimal("960.00")
    reservation = parking_reserve(user=person, event_id=event.id, quote_id=quote.id)
    assert reservation.price == Decimal("200.00")


def test_an_expired_quote_is_refused(lot, event):
    person = guest(event)
    quote = parking_quote(user=person, event_id=event.id, lot_id=lot.id)
    type(quote).objects.filter(id=quote.id).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Conflict) as exc:
        parking_reserve(user=person, event_id=event.id, quote_id=quote.id)
    assert exc.value.code == "QUOTE_EXPIRED"
    assert not ParkingReservation.objects.exists()


def test_a_quote_is_someone_elses_or_used_once(lot, event):
    person = guest(event)
    quote = parking_quote(user=person, event_id=event.id, lot_id=lot.id)
    with pytest.raises(NotFound) as exc:
        parking_reserve(user=guest(event), event_id=event.id, quote_id=quote.id)
    assert exc.value.code == "QUOTE_NOT_FOUND"
    parking_reserve(user=person, event_id=event.id, quote_id=quote.id)
    with pytest.raises(Conflict) as exc:
        parking_reserve(user=person, event_id=event.id, quote_id=quote.id)
    assert exc.value.code == "QUOTE_EXPIRED"


def test_one_live_reservation_per_guest_and_event(lot, event):
    person = guest(event)
    parking_reserve(
        user=person, event_id=event.id, quote_id=parking_quote(user=person, event_id=event.id, lot_id=lot.id).id
    )
    second = parking_quote(user=person, event_id=event.id, lot_id=lot.id)
    with pytest.raises(Conflict) as exc:
        parking_reserve(user=person, event_id=event.id, quote_id=second.id)
    assert exc.value.code == "ALREADY_RESERVED"
    assert _taken(lot, event) == 1


def test_a_full_lot_refuses_quotes_and_reservations(venue, event):
    small = make_lot(venue, spaces=1)
    first, second = guest(event), guest(event)
    late_quote = parking_quote(user=second, event_id=event.id, lot_id=small.id)
    parking_reserve(
        user=first, event_id=event.id, quote_id=parking_quote(user=first, event_id=event.id, lot_id=small.id).id
    )
    with pytest.raises(Conflict) as exc:
        parking_reserve(user=second, event_id=event.id, quote_id=late_quote.id)
    assert exc.value.code == "PARKING_FULL"
    with pytest.raises(Conflict) as exc:
        parking_quote(user=second, event_id=event.id, lot_id=small.id)
    assert exc.value.code == "PARKING_FULL"
    assert _taken(small, event) == 1


def test_a_lapsed_hold_expires_once_and_frees_its_space(venue, event):
    small = make_lot(venue, spaces=1)
    first = guest(event)
    held = parking_reserve(
        user=first, event_id=event.id, quote_id=parking_quote(user=first, event_id=event.id, lot_id=small.id).id
    )
    ParkingReservation.objects.filter(id=held.id).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    assert parking_holds_expire() == 1
    assert parking_holds_expire() == 0
    assert _taken(small, event) == 0
    assert ParkingReservation.objects.get(id=held.id).status == ReservationStatus.EXPIRED


def test_reserving_in_a_full_lot_first_expires_its_lapsed_holds(venue, event):
    small = make_lot(venue, spaces=1)
    first, second = guest(event), guest(event)
    quote = parking_quote(user=second, event_id=event.id, lot_id=small.id)
    held = parking_reserve(
        user=first, event_id=event.id, quote_id=parking_quote(user=first, event_id=event.id, lot_id=small.id).id
    )
    ParkingReservation.objects.filter(id=held.id).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    reservation = parking_reserve(user=second, event_id=event.id, quote_id=quote.id)
    assert reservation.status == ReservationStatus.PENDING
    assert _taken(small, event) == 1


def test_a_free_lot_is_confirmed_at_once(venue, event):
    free = make_lot(venue, base_rate="0")
    person = guest(event)
    reservation = parking_reserve(
        user=person, event_id=event.id, quote_id=parking_quote(user=person, event_id=event.id, lot_id=free.id).id
    )
    assert (reservation.status, reservation.price, reservation.hold_expires_at) == (
        ReservationStatus.CONFIRMED,
        Decimal("0.00"),
        None,
    )


def test_cancelling_a_hold_gives_the_space_back_once(lot, event):
    person = guest(event)
    held = parking_reserve(
        user=person, event_id=event.id, quote_id=parking_quote(user=person, event_id=event.id, lot_id=lot.id).id
    )
    assert parking_reservation_cancel(user=person, reservation_id=held.id).status == ReservationStatus.CANCELLED
    assert _taken(lot, event) == 0
    with pytest.raises(Conflict) as exc:
        parking_reservation_cancel(user=person, reservation_id=held.id)
    assert exc.value.code == "RESERVATION_NOT_CANCELLABLE"
    assert _taken(lot, event) == 0


def test_confirming_a_payment_confirms_the_hold_once(lot, event):
    person = guest(event)
    held = parking_reserve(
        user=person, event_id=event.id, quote_id=parking_quote(user=person, event_id=event.id, lot_id=lot.id).id
    )
    confirmed = reservation_confirm(reservation_id=held.id, payment_reference="pay_1")
    assert (confirmed.status, confirmed.payment_reference, confirmed.hold_expires_at) == (
        ReservationStatus.CONFIRMED,
        "pay_1",
        None,
    )
    assert reservation_confirm(reservation_id=held.id, payment_reference="pay_1").status == ReservationStatus.CONFIRMED
    assert _taken(lot, event) == 1


def test_money_after_the_hold_lapsed_takes_a_space_again_or_is_refused(venue, event):
    small = make_lot(venue, spaces=1)
    first, second = guest(event), guest(event)
    held = parking_reserve(
        user=first, event_id=event.id, quote_id=parking_quote(user=first, event_id=event.id, lot_id=small.id).id
    )
    ParkingReservation.objects.filter(id=held.id).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    parking_holds_expire()
    parking_reserve(
        user=second, event_id=event.id, quote_id=parking_quote(user=second, event_id=event.id, lot_id=small.id).id
    )
    assert reservation_confirm(reservation_id=held.id, payment_reference="pay_late") is None  # full: refund it
    assert _taken(small, event) == 1
