"""Paying for parking through the payment interface: credits confirm at once, a card confirms on the provider's
word (once), a paid cancellation refunds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loopin.looppay.selectors import credit_balance
from loopin.looppay.tests.conftest import give_credit
from loopin.parking.models import ParkingReservation, ReservationStatus
from loopin.parking.payment import parking_cancel, parking_reservation_pay
from loopin.parking.services.reservations import parking_quote, parking_reserve
from loopin.parking.tests.conftest import guest
from loopin.payments.charge_models import Charge
from loopin.payments.money import to_minor
from loopin.payments.services.charges import charge_confirm

pytestmark = pytest.mark.django_db


def _held(lot, event):
    person = guest(event)
    quote = parking_quote(user=person, event_id=event.id, lot_id=lot.id)
    return person, parking_reserve(user=person, event_id=event.id, quote_id=quote.id)


def test_credits_pay_the_quoted_price_and_a_cancellation_gives_them_back(lot, event):
    person, held = _held(lot, event)
    give_credit(person, "500.00")
    paid = parking_reservation_pay(user=person, reservation_id=held.id, method="credits")
    assert (paid["reservation"]["status"], paid["payment"]) == ("confirmed", None)
    assert paid["reservation"]["qr"].startswith("LPK1.")
    assert credit_balance(person) == Decimal("300.00")
    assert parking_cancel(user=person, reservation_id=held.id)["status"] == "cancelled"
    assert credit_balance(person) == Decimal("500.00")


def test_a_card_payment_confirms_the_reservation_once_the_provider_says_so(lot, event):
    person, held = _held(lot, event)
    started = parking_reservation_pay(user=person, reservation_id=held.id, method="card")
    assert (started["reservation"]["status"], started["payment"]["amount"]) == ("pending", "200.00")
    charge = Charge.objects.get(id=started["payment"]["id"])
    for _ in range(2):
        charge_confirm(
            charge_id=charge.id, payment_id="pay_1", provider=charge.provider,
            amount_minor=to_minor(charge.amount, "INR"), currency="INR",
        )  # fmt: skip
    row = ParkingReservation.objects.get(id=held.id)
    assert (row.status, row.payment_reference) == (ReservationStatus.CONFIRMED, f"charge:{charge.id}")
