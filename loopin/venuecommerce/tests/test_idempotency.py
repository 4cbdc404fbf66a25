"""A double tap makes one order: the Idempotency-Key of `POST /api/v2/events/{id}/orders` (and `order_place`'s
`idempotency_key`), over HTTP and with real threads (run on PostgreSQL: DATABASE_URL=postgresql://… pytest …)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from loopin.looppay.models import JournalEntry
from loopin.looppay.promotions import promo_grant
from loopin.looppay.selectors import credit_balance
from loopin.payments.charge_models import Charge
from loopin.testing.concurrency import outcomes as race
from loopin.testing.concurrency import run_at_once
from loopin.testing.fixtures import token_for
from loopin.venuecommerce.models import MenuVariant, VenueOrder
from loopin.venuecommerce.services.orders import LineInput, order_place
from loopin.venuecommerce.tests.conftest import guest_with_ticket

KEY = "tap-7f3c2a9e"


def _post(api, world, key, guest=None, quantity=2):
    body = {"counter_id": str(world.counter.id), "lines": [{"variant_id": str(world.water.id), "quantity": quantity}]}
    headers = token_for(guest or world.guest) | ({"Idempotency-Key": key} if key else {})
    return api.post(f"/api/v2/events/{world.event.id}/orders", json=body, headers=headers)


def test_the_same_key_twice_returns_the_first_order_and_takes_the_stock_once(api, world):
    first = _post(api, world, KEY)
    again = _post(api, world, KEY)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["data"] == first.json()["data"]
    assert (VenueOrder.objects.count(), MenuVariant.objects.get(id=world.water.id).stock) == (1, 3)


def test_the_same_key_for_a_different_order_is_refused(api, world):
    first = _post(api, world, KEY).json()["data"]
    r = _post(api, world, KEY, quantity=1)
    assert (r.status_code, r.json()["error_code"], r.json()["details"]) == (
        409,
        "ORDER_KEY_REUSED",
        {"order_id": first["id"]},
    )
    assert (VenueOrder.objects.count(), MenuVariant.objects.get(id=world.water.id).stock) == (1, 3)


def test_keys_are_per_guest_and_no_key_is_a_new_order_each_time(api, world):
    other = guest_with_ticket(world.event)
    assert _post(api, world, KEY, quantity=1).status_code == 201
    assert _post(api, world, KEY, guest=other, quantity=1).status_code == 201
    assert [_post(api, world, None, quantity=1).status_code for _ in range(2)] == [201, 201]
    assert (VenueOrder.objects.count(), MenuVariant.objects.get(id=world.water.id).stock) == (4, 1)


def test_a_key_shorter_than_eight_characters_is_invalid(api, world):
    r = _post(api, world, "short")
    assert (r.status_code, r.json()["error_code"]) == (422, "VALIDATION_ERROR")
    assert VenueOrder.objects.count() == 0


def _credits_order(world, key):
    return order_place(
        user=world.guest,
        event_id=world.event.id,
        counter_id=world.counter.id,
        lines=[LineInput(variant_id=world.tee.id, quantity=1)],  # 799.00 + 95.88 GST = 894.88
        payment_method="credits",
        idempotency_key=key,
    )


def test_eight_taps_at_once_with_one_key_make_one_order_paid_once(world):
    promo_grant(user=world.guest, amount=Decimal("2000.00"), expires_at=timezone.now() + timedelta(days=1), key="k")
    results = run_at_once([lambda: _credits_order(world, KEY)] * 8)
    assert race([lambda: _credits_order(world, KEY)]) == Counter({"ok": 1})  # and a late retry too
    assert {r.id for r in results} == {VenueOrder.objects.get().id}
    assert MenuVariant.objects.get(id=world.tee.id).stock == 2
    assert credit_balance(world.guest) == Decimal("1105.12")
    assert JournalEntry.objects.filter(purpose="concessions").count() == 1


def _post_card(api, world, key):
    body = {"counter_id": str(world.counter.id), "lines": [{"variant_id": str(world.chai.id), "quantity": 2}]}
    return api.post(
        f"/api/v2/events/{world.event.id}/orders", json=body, headers=token_for(world.guest) | {"Idempotency-Key": key}
    )


def test_a_card_order_retried_while_its_checkout_is_being_opened_gets_the_same_checkout(api, world):
    first = _post_card(api, world, KEY).json()["data"]
    assert (first["status"], first["total"]) == ("awaiting_payment", "84.00")
    # The first request committed its order and is still opening the card checkout when the retry arrives.
    VenueOrder.objects.filter(id=first["id"]).update(checkout={}, payment_reference="")

    again = _post_card(api, world, KEY)

    assert again.status_code == 201
    assert again.json()["data"]["checkout"] == first["checkout"]
    assert first["checkout"]["charge_id"] == str(Charge.objects.get(reference=first["id"]).id)
    assert VenueOrder.objects.get(id=first["id"]).payment_reference == first["checkout"]["charge_id"]
    assert (VenueOrder.objects.count(), Charge.objects.count()) == (1, 1)


def test_a_card_order_retried_after_its_checkout_opened_answers_it_unchanged(api, world):
    first = _post_card(api, world, KEY).json()["data"]
    again = _post_card(api, world, KEY).json()["data"]
    assert again == first
    assert Charge.objects.count() == 1
