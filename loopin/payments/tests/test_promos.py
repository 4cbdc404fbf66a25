"""Promo codes and pay what you want: the order's snapshot (list price, code, discount), limits overall and per
person (race-proof), tiers and windows, uses given back when an order ends unpaid, refunds of what was paid."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loopin.core.errors import LoopinError
from loopin.events.models import TicketTier
from loopin.payments.models import Order, PromoCode, PromoKind
from loopin.payments.money import to_minor
from loopin.payments.services import order_cancel, order_cancel_pending, order_create, payment_confirm, refund_create
from loopin.testing.concurrency import outcomes as race
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for


@pytest.fixture
def event(interests):
    """A paid event at 500.00 a seat (the default tier) with a VIP tier at 1000.00; the fee is 10 %."""
    ev = PublishedEventFactory(is_paid=True, ticket_price=Decimal("500.00"), capacity=100)
    TicketTier.objects.create(event=ev, name="VIP", price=Decimal("1000.00"), sort_order=1)
    return ev


def _vip(event) -> TicketTier:
    return TicketTier.objects.get(event=event, name="VIP")


def _promo(event, **fields) -> PromoCode:
    return PromoCode.objects.create(event=event, **{"code": "launch20", "kind": PromoKind.PERCENT, **fields})


def _pay(order: Order) -> Order:
    return payment_confirm(
        order_id=order.id,
        payment_id=f"pay_{order.id.hex}",
        provider="sandbox",
        amount_minor=to_minor(order.total, order.currency),
        currency=order.currency,
    )


def _code(call) -> str:
    with pytest.raises(LoopinError) as exc:
        call()
    return exc.value.code


def test_a_percentage_code_is_taken_off_each_seat_and_recorded(event):
    promo = _promo(event, amount=Decimal("20"))
    assert promo.code == "LAUNCH20"
    order = order_create(user=UserWithProfileFactory(), event_id=event.id, promo_code=" Launch20 ")
    snapshot = (order.list_price, order.promo_code, order.discount_amount, order.base_price, order.total)
    assert snapshot == (Decimal("500.00"), "LAUNCH20", Decimal("100.00"), Decimal("400.00"), Decimal("440.00"))
    assert (order.promo_id, order.host_earning) == (promo.id, Decimal("400.00"))
    promo.refresh_from_db()
    assert promo.uses == 1


def test_a_fixed_code_never_makes_a_seat_free(event):
    _promo(event, code="BIG", kind=PromoKind.FIXED, amount=Decimal("600"))
    order = order_create(user=UserWithProfileFactory(), event_id=event.id, promo_code="big")
    assert (order.discount_amount, order.base_price, order.total) == (
        Decimal("499.00"),
        Decimal("1.00"),
        Decimal("1.10"),
    )


def test_a_code_for_some_tiers_only_applies_to_them(event):
    promo = _promo(event, code="VIPONLY", kind=PromoKind.FIXED, amount=Decimal("100"))
    promo.tiers.set([_vip(event)])
    buyer = UserWithProfileFactory()
    assert _code(lambda: order_create(user=buyer, event_id=event.id, promo_code="viponly")) == "PROMO_NOT_FOR_TIER"
    order = order_create(user=buyer, event_id=event.id, tier_id=_vip(event).id, promo_code="viponly")
    assert (order.base_price, order.discount_amount) == (Decimal("900.00"), Decimal("100.00"))


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"valid_until": timezone.now() - timedelta(minutes=1)}, "PROMO_CODE_EXPIRED"),
        ({"valid_from": timezone.now() + timedelta(days=1)}, "PROMO_CODE_EXPIRED"),
        ({"is_active": False}, "PROMO_CODE_INVALID"),
    ],
)
def test_a_code_outside_its_window_or_switched_off_is_refused(event, fields, code):
    _promo(event, amount=Decimal("10"), **fields)
    assert _code(lambda: order_create(user=UserWithProfileFactory(), event_id=event.id, promo_code="LAUNCH20")) == code
    assert _code(lambda: order_create(user=UserWithProfileFactory(), event_id=event.id, promo_code="OTHER")) == (
        "PROMO_CODE_INVALID"
    )
    assert Order.objects.filter(event=event).count() == 0


def test_an_unpaid_order_gives_its_use_back_and_a_paid_one_keeps_it(event):
    promo = _promo(event, amount=Decimal("10"), max_uses=1)
    first, second = UserWithProfileFactory(), UserWithProfileFactory()
    order = order_create(user=first, event_id=event.id, promo_code="launch20")
    assert _code(lambda: order_create(user=second, event_id=event.id, promo_code="launch20")) == "PROMO_USED_UP"
    order_cancel_pending(user=first, order_id=order.id)
    promo.refresh_from_db()
    assert promo.uses == 0
    paid = _pay(order_create(user=second, event_id=event.id, promo_code="launch20"))
    refund_create(order_id=paid.id, reason="host_refund")
    promo.refresh_from_db()
    assert promo.uses == 1  # a refund does not give a use back
    assert _code(lambda: order_create(user=first, event_id=event.id, promo_code="launch20")) == "PROMO_USED_UP"


def test_a_person_uses_a_code_no_more_than_allowed(event):
    _promo(event, amount=Decimal("10"), max_uses_per_person=1)
    buyer = UserWithProfileFactory()
    order = _pay(order_create(user=buyer, event_id=event.id, promo_code="launch20"))
    order_cancel(user=buyer, order_id=order.id)  # refunded: they may buy again, but not with the code
    assert _code(lambda: order_create(user=buyer, event_id=event.id, promo_code="launch20")) == (
        "PROMO_LIMIT_PER_PERSON"
    )
    assert order_create(user=buyer, event_id=event.id).total == Decimal("550.00")


def test_a_refund_gives_back_what_was_paid(event):
    _promo(event, amount=Decimal("20"))
    order = _pay(order_create(user=UserWithProfileFactory(), event_id=event.id, promo_code="launch20"))
    refund = refund_create(order_id=order.id, reason="host_refund")
    order.refresh_from_db()
    assert (refund.amount, refund.host_amount, order.status) == (Decimal("440.00"), Decimal("400.00"), "refunded")


def test_pay_what_you_want_takes_the_buyers_price_from_the_minimum(event):
    tier = TicketTier.objects.create(
        event=event, name="Supporter", price=Decimal("100.00"), pay_what_you_want=True, suggested_price=Decimal("300")
    )
    _promo(event, amount=Decimal("10"))
    assert order_create(user=UserWithProfileFactory(), event_id=event.id, tier_id=tier.id).base_price == Decimal(
        "300.00"
    )
    order = order_create(user=UserWithProfileFactory(), event_id=event.id, tier_id=tier.id, amount=Decimal("750"))
    assert (order.list_price, order.total) == (Decimal("750.00"), Decimal("825.00"))
    low = UserWithProfileFactory()
    with pytest.raises(LoopinError) as exc:
        order_create(user=low, event_id=event.id, tier_id=tier.id, amount=Decimal("99.99"))
    assert exc.value.details["fields"][0]["code"] == "BELOW_MINIMUM"
    assert _code(lambda: order_create(user=low, event_id=event.id, tier_id=tier.id, promo_code="launch20")) == (
        "PROMO_NOT_FOR_TIER"
    )
    with pytest.raises(LoopinError) as exc:
        order_create(user=low, event_id=event.id, amount=Decimal("10"))  # a fixed-price tier
    assert exc.value.details["fields"][0]["code"] == "PRICE_FIXED"


def test_sixty_buyers_race_for_a_code_of_ten_uses(event):
    promo = _promo(event, amount=Decimal("50"), max_uses=10)
    buyers = [UserWithProfileFactory() for _ in range(60)]
    outcomes = race([lambda u=u: order_create(user=u, event_id=event.id, promo_code="launch20") for u in buyers])
    assert outcomes == Counter({"ok": 10, "PROMO_USED_UP": 50})
    promo.refresh_from_db()
    assert promo.uses == 10
    assert Order.objects.filter(event=event, promo=promo).count() == 10
    event.refresh_from_db()
    assert event.seats_taken == 10  # refused buyers took no seat


def test_promo_codes_over_http(api, event):
    host = token_for(event.host)
    url = f"/api/v2/events/{event.id}/promo-codes"
    body = {"code": "Friends", "kind": "fixed", "amount": "50.00", "max_uses": 5, "tier_ids": [str(_vip(event).id)]}
    r = api.post(url, json=body, headers=host)
    assert r.status_code == 201, r.text
    promo = r.json()["data"]
    assert (promo["code"], promo["uses"], promo["tier_ids"]) == ("FRIENDS", 0, [str(_vip(event).id)])
    r = api.post(url, json={**body, "code": "friends"}, headers=host)
    assert (r.status_code, r.json()["error_code"]) == (409, "PROMO_CODE_EXISTS")
    r = api.post(url, json={**body, "code": "PCT", "kind": "percent", "amount": "100"}, headers=host)
    assert (r.status_code, r.json()["error_code"]) == (422, "VALIDATION_ERROR")
    buyer = token_for(UserWithProfileFactory())
    assert api.get(url, headers=buyer).json()["error_code"] == "NOT_EVENT_HOST"

    order = {"event_id": str(event.id), "tier_id": str(_vip(event).id), "promo_code": "friends"}
    r = api.post("/api/v2/payments/orders", json=order, headers=buyer)
    data = r.json()["data"]
    assert (data["list_price"], data["promo_code"], data["discount_amount"], data["total"]) == (
        "1000.00",
        "FRIENDS",
        "50.00",
        "1045.00",
    )
    assert [p["uses"] for p in api.get(url, headers=host).json()["data"]] == [1]
    r = api.delete(f"{url}/{promo['id']}", headers=host)
    assert (r.status_code, r.json()["error_code"]) == (409, "PROMO_CODE_USED")
    r = api.patch(f"{url}/{promo['id']}", json={"is_active": False}, headers=host)
    assert r.json()["data"]["is_active"] is False
