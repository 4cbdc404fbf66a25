"""Person-to-person transfers: off by default (a semi-closed wallet needs an RBI licence); when on, paid credit only,
once per key, and the recipient's caps are checked in the posting transaction."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from loopin.looppay.models import JournalEntry
from loopin.looppay.selectors import credit_balance
from loopin.looppay.tests.conftest import give_credit
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for


@pytest.fixture
def friend(interests):
    return UserWithProfileFactory()


def _send(api, sender, recipient, amount: str, key: str = "key-00000001"):
    body = {"recipient_id": str(recipient.id), "amount": amount, "idempotency_key": key}
    return api.post("/api/v2/looppay/transfers", json=body, headers=token_for(sender))


def test_transfers_are_off_by_default(api, person, friend):
    give_credit(person, "100.00")
    r = _send(api, person, friend, "10")
    assert (r.status_code, r.json()["error_code"]) == (403, "TRANSFERS_DISABLED")
    assert credit_balance(friend) == Decimal("0")


def test_when_enabled_paid_credit_moves_once_per_key(api, person, friend, app_settings):
    app_settings.LOOPPAY_TRANSFERS_ENABLED = True
    give_credit(person, "100.00")
    first = _send(api, person, friend, "30.00")
    again = _send(api, person, friend, "30.00")
    assert (first.status_code, first.json()["data"]["amount"], first.json()["data"]["balance"]) == (
        201,
        "-30.00",
        "70.00",
    )
    assert again.json()["data"]["id"] == first.json()["data"]["id"]
    assert (credit_balance(person), credit_balance(friend)) == (Decimal("70.00"), Decimal("30.00"))
    other = _send(api, person, friend, "31.00")
    assert (other.status_code, other.json()["error_code"]) == (409, "IDEMPOTENCY_KEY_REUSED")


def test_a_transfer_past_the_recipients_cap_moves_nothing(api, person, friend, app_settings):
    app_settings.LOOPPAY_TRANSFERS_ENABLED = True
    app_settings.LOOPPAY_MAX_BALANCE = Decimal("50")
    give_credit(person, "100.00")
    give_credit(friend, "40.00")
    r = _send(api, person, friend, "10.01")
    assert (r.status_code, r.json()["error_code"]) == (409, "BALANCE_CAP_EXCEEDED")
    assert (credit_balance(person), credit_balance(friend)) == (Decimal("100.00"), Decimal("40.00"))
    assert not JournalEntry.objects.filter(reason="transfer").exists()


def test_no_transfer_to_oneself_an_unknown_person_or_beyond_the_balance(api, person, friend, app_settings):
    app_settings.LOOPPAY_TRANSFERS_ENABLED = True
    give_credit(person, "10.00")
    assert _send(api, person, person, "1").json()["error_code"] == "TRANSFER_RECIPIENT_INVALID"
    body = {"recipient_id": str(uuid.uuid4()), "amount": "1", "idempotency_key": "key-00000002"}
    unknown = api.post("/api/v2/looppay/transfers", json=body, headers=token_for(person))
    assert unknown.json()["error_code"] == "TRANSFER_RECIPIENT_INVALID"
    short = _send(api, person, friend, "10.01")
    assert (short.status_code, short.json()["error_code"]) == (409, "INSUFFICIENT_CREDITS")
