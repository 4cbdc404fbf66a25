"""The demo has a priced lot at the venue of the event about to start, where a demo guest can park."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loopin.accounts.demo import DEMO_GUESTS
from loopin.accounts.models import User
from loopin.config.demo import demo_load
from loopin.events.demo import STARTING_SOON
from loopin.events.models import Event
from loopin.parking.demo import LOT_NAME
from loopin.parking.models import ParkingLot
from loopin.parking.services.reservations import parking_quote, parking_reserve

pytestmark = pytest.mark.django_db


def test_a_demo_guest_reserves_at_the_lot_of_the_event_about_to_start():
    demo_load()
    demo_load()  # twice: nothing is added the second time
    event = Event.objects.get(title=STARTING_SOON)
    lot = ParkingLot.objects.get(venue=event.venue, name=LOT_NAME)
    assert ParkingLot.objects.filter(name=LOT_NAME).count() == 1
    assert (lot.spaces, lot.bands.count()) == (12, 4)
    person = User.objects.get(phone_number=DEMO_GUESTS[0][0])
    quote = parking_quote(user=person, event_id=event.id, lot_id=lot.id)
    assert quote.price == Decimal("260.00")  # 5 hours (3 h event + 1 h each side) × 40 × 1.30 (within the hour)
    assert parking_reserve(user=person, event_id=event.id, quote_id=quote.id).price == Decimal("260.00")
