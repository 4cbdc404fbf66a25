"""Spaces under load, with real threads (on PostgreSQL the conditional UPDATE of the inventory is the guard;
on SQLite IMMEDIATE transactions serialise writers; both must give the same result)."""

from __future__ import annotations

import pytest

from loopin.audit.models import AuditEntry
from loopin.parking.models import ParkingInventory, ParkingReservation, ReservationStatus
from loopin.parking.services.reservations import parking_quote, parking_reserve, reservation_confirm
from loopin.parking.tests.conftest import event_at, guest, make_lot
from loopin.testing.concurrency import outcomes as race
from loopin.testing.factories import UserWithProfileFactory, VenueFactory

GUESTS = 40
SPACES = 7


@pytest.mark.django_db(transaction=True)
def test_forty_guests_racing_for_seven_spaces_get_exactly_seven():
    venue = VenueFactory(created_by=UserWithProfileFactory())
    lot = make_lot(venue, spaces=SPACES)
    event = event_at(venue)
    people = [guest(event) for _ in range(GUESTS)]
    quotes = [parking_quote(user=p, event_id=event.id, lot_id=lot.id) for p in people]

    def reserve(person, quote):
        return lambda: parking_reserve(user=person, event_id=event.id, quote_id=quote.id)

    counted = race([reserve(p, q) for p, q in zip(people, quotes, strict=True)])

    assert counted == {"ok": SPACES, "PARKING_FULL": GUESTS - SPACES}
    assert ParkingReservation.objects.filter(lot=lot, status=ReservationStatus.PENDING).count() == SPACES
    assert ParkingInventory.objects.get(lot=lot, event=event).spaces_taken == SPACES


@pytest.mark.django_db(transaction=True)
def test_one_guest_reserving_twice_at_once_holds_one_space():
    venue = VenueFactory(created_by=UserWithProfileFactory())
    lot = make_lot(venue, spaces=5)
    event = event_at(venue)
    person = guest(event)
    quotes = [parking_quote(user=person, event_id=event.id, lot_id=lot.id) for _ in range(6)]

    counted = race([lambda q=q: parking_reserve(user=person, event_id=event.id, quote_id=q.id) for q in quotes])

    assert counted == {"ok": 1, "ALREADY_RESERVED": 5}
    assert ParkingInventory.objects.get(lot=lot, event=event).spaces_taken == 1


@pytest.mark.django_db(transaction=True)
def test_a_payment_confirmed_by_ten_threads_at_once_confirms_once():
    venue = VenueFactory(created_by=UserWithProfileFactory())
    lot = make_lot(venue, spaces=2)
    event = event_at(venue)
    person = guest(event)
    held = parking_reserve(
        user=person, event_id=event.id, quote_id=parking_quote(user=person, event_id=event.id, lot_id=lot.id).id
    )

    counted = race([lambda: reservation_confirm(reservation_id=held.id, payment_reference="pay_x")] * 10)

    assert counted == {"ok": 10}
    assert ParkingReservation.objects.get(id=held.id).status == ReservationStatus.CONFIRMED
    assert AuditEntry.objects.filter(action="parking.confirmed").count() == 1
    assert ParkingInventory.objects.get(lot=lot, event=event).spaces_taken == 1
