"""Automatic settlement of ticket orders paid with LoopPay credits: a transfer never takes more from the provider
payment than it captured less the platform's fee; the part of the host's earning paid with credits is paid out.
Razorpay Route and Stripe Connect are faked at their HTTP boundary (as in payments' test_settlement)."""

from __future__ import annotations

import itertools
import json
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from django.utils import timezone

from loopin.events.models import CoHost, Event
from loopin.looppay.selectors import credit_balance
from loopin.looppay.tests.conftest import give_credit
from loopin.payments.models import Order, Refund, Settlement, SettlementReversal
from loopin.payments.payouts import payout_figures
from loopin.payments.services import payment_confirm, refund_create
from loopin.payments.settlement import SplitIn, event_settlement_set, settlement_account_register
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for

RZP, STRIPE = "api.razorpay.com", "api.stripe.com"
HOST_ACC = "acc_HOST0000000001"
# 499.00 a seat + 10 % fee (49.90) = 548.90; 200.00 of it in credits leaves 348.90 for the card, which carries
# 348.90 - 49.90 = 299.00 of the host's earning; the other 200.00 of it was paid with credits.


@pytest.fixture
def route(razorpay_keys, paid_event, fake_http):
    """The owner's active Route account, the event auto-settled to the owner alone."""
    host = Event.objects.get(id=paid_event.id).host
    fake_http.route("GET", RZP, f"/v2/accounts/{HOST_ACC}", (200, {"id": HOST_ACC, "status": "activated"}))
    assert settlement_account_register(user=host, provider="razorpay", account_id=HOST_ACC).status == "active"
    event_settlement_set(user=host, event_id=paid_event.id, mode="auto")
    counter = itertools.count(1)

    def create(request):
        transfer = json.loads(request.body)["transfers"][0]
        return 200, {"entity": "collection", "count": 1, "items": [{"id": f"trf_{next(counter)}", **transfer}]}

    fake_http.route("GET", RZP, "/v1/payments/", (200, {"entity": "collection", "count": 0, "items": []}))
    fake_http.route("POST", RZP, "/v1/payments/", create)
    orders = itertools.count(1)
    fake_http.route("POST", RZP, "/v1/orders", lambda r: (200, {"id": f"order_RZP{next(orders)}", "status": "created"}))
    return host


def _open(api, headers, event, provider="razorpay") -> Order:
    r = api.post("/api/v2/payments/orders", json={"event_id": str(event.id), "provider": provider}, headers=headers)
    assert r.status_code == 200, r.text
    return Order.objects.get(id=r.json()["data"]["id"])


def _card_paid(order: Order, payment_id: str, provider="razorpay") -> Order:
    order.refresh_from_db()
    payment_confirm(
        order_id=order.id,
        payment_id=payment_id,
        provider=provider,
        amount_minor=int(order.amount_due * 100),
        currency="INR",
    )
    order.refresh_from_db()
    return order


def _part_paid(api, event, *, provider="razorpay", payment_id="pay_1") -> tuple[object, Order]:
    buyer = UserWithProfileFactory()
    headers = token_for(buyer)
    order = _open(api, headers, event, provider)
    give_credit(buyer, "1000.00")
    r = api.post(f"/api/v2/looppay/orders/{order.id}/pay", json={"credits": "200.00"}, headers=headers)
    assert r.status_code == 200, r.text
    return buyer, _card_paid(order, payment_id, provider)


def _rows(order: Order) -> set[tuple]:
    return {
        (s.funding, s.method, s.status, s.amount, s.amount_reversed) for s in Settlement.objects.filter(order=order)
    }


def _transfers(fake_http, payment_id: str) -> list[int]:
    return [json.loads(r.body)["transfers"][0]["amount"] for r in fake_http.sent("POST", f"/v1/payments/{payment_id}")]


def test_a_full_card_order_transfers_the_whole_host_earning(api, paid_event, route, fake_http):
    order = _card_paid(_open(api, token_for(UserWithProfileFactory()), paid_event), "pay_1")
    assert (order.status, order.amount_due) == ("paid", Decimal("548.90"))
    assert _transfers(fake_http, "pay_1") == [49900]  # 548.90 captured - 49.90 fee
    assert _rows(order) == {("card", "transfer", "transferred", Decimal("499.00"), Decimal("0.00"))}
    assert payout_figures(paid_event)["amount"] == Decimal("0.00")


def test_a_part_credit_order_transfers_only_what_the_card_carries_and_pays_out_the_credits_part(
    api, paid_event, route, fake_http
):
    _, order = _part_paid(api, paid_event)
    assert (order.credits_applied, order.amount_due) == (Decimal("200.00"), Decimal("348.90"))
    assert _transfers(fake_http, "pay_1") == [29900]  # 348.90 captured - 49.90 fee, not the 499.00 earning
    assert _rows(order) == {
        ("card", "transfer", "transferred", Decimal("299.00"), Decimal("0.00")),
        ("credits", "payout", "manual", Decimal("200.00"), Decimal("0.00")),
    }
    figures = payout_figures(paid_event)
    assert (figures["gross_earnings"], figures["amount"]) == (Decimal("200.00"), Decimal("200.00"))


def test_a_full_credit_order_transfers_nothing_and_is_paid_out(api, paid_event, route, fake_http):
    buyer = UserWithProfileFactory()
    headers = token_for(buyer)
    order = _open(api, headers, paid_event)
    give_credit(buyer, "1000.00")
    r = api.post(f"/api/v2/looppay/orders/{order.id}/pay", json={}, headers=headers)
    assert (r.status_code, r.json()["data"]["status"]) == (200, "paid"), r.text
    order.refresh_from_db()
    assert (order.provider, order.amount_due) == ("razorpay", Decimal("0.00"))
    assert fake_http.sent("POST", "/v1/payments/") == []  # no provider payment to transfer from
    assert _rows(order) == {("credits", "payout", "manual", Decimal("499.00"), Decimal("0.00"))}
    assert payout_figures(paid_event)["amount"] == Decimal("499.00")
    refund_create(order_id=order.id, reason="staff_refund")  # all back as credits, all taken off the payout
    assert _rows(order) == {("credits", "payout", "manual", Decimal("499.00"), Decimal("499.00"))}
    assert payout_figures(paid_event)["amount"] == Decimal("0.00")
    assert credit_balance(buyer) == Decimal("1000.00")


def test_refunds_after_settlement_reverse_the_transfer_first_and_then_the_credits_part(
    api, paid_event, route, fake_http
):
    refunds = itertools.count(1)

    def refund(_request):
        return 200, {"id": f"rfnd_{next(refunds)}", "status": "processed"}

    fake_http.route("POST", RZP, "/v1/payments/pay_1/refund", refund)
    reversals = itertools.count(1)
    fake_http.route("POST", RZP, "/v1/transfers/", lambda r: (200, {"id": f"rvrsl_{next(reversals)}"}))
    buyer, order = _part_paid(api, paid_event)
    card_row = Settlement.objects.get(order=order, funding="card")
    credits_row = Settlement.objects.get(order=order, funding="credits")

    # 300.00, all to the card (host part 300.00): the card keeps 48.90, less than the 49.90 fee, so it carries
    # nothing of the earning any more: the whole 299.00 transfer is reversed and 1.00 comes off the payout.
    refund_create(order_id=order.id, amount=Decimal("300.00"), reason="goodwill")
    sent = fake_http.sent("POST", "/v1/transfers/")
    assert [(r.url.split("/")[-2], json.loads(r.body)["amount"]) for r in sent] == [("trf_1", 29900)]
    assert _rows(order) == {
        ("card", "transfer", "transferred", Decimal("299.00"), Decimal("299.00")),
        ("credits", "payout", "manual", Decimal("200.00"), Decimal("1.00")),
    }
    assert payout_figures(paid_event)["amount"] == Decimal("199.00")

    # The rest, 248.90: 48.90 to the card and 200.00 as credits; the payout part goes to zero, nothing more reversed.
    refund_create(order_id=order.id, reason="staff_refund")
    assert sorted((r.amount, r.to_credits) for r in Refund.objects.filter(order=order)) == [
        (Decimal("48.90"), False),
        (Decimal("200.00"), True),
        (Decimal("300.00"), False),
    ]
    assert len(fake_http.sent("POST", "/v1/transfers/")) == 1
    assert _rows(order) == {
        ("card", "transfer", "transferred", Decimal("299.00"), Decimal("299.00")),
        ("credits", "payout", "manual", Decimal("200.00"), Decimal("200.00")),
    }
    assert {(r.settlement_id, r.amount, r.status) for r in SettlementReversal.objects.all()} == {
        (card_row.id, Decimal("299.00"), "reversed"),
        (credits_row.id, Decimal("1.00"), "recorded"),
        (credits_row.id, Decimal("199.00"), "recorded"),
    }
    assert payout_figures(paid_event)["amount"] == Decimal("0.00")
    assert credit_balance(buyer) == Decimal("1000.00")


def test_an_attendee_cancel_keeping_the_fee_takes_back_the_whole_earning(api, paid_event, route, fake_http):
    fake_http.route("POST", RZP, "/v1/payments/pay_1/refund", (200, {"id": "rfnd_1", "status": "processed"}))
    fake_http.route("POST", RZP, "/v1/transfers/", (200, {"id": "rvrsl_1"}))
    _, order = _part_paid(api, paid_event)
    # An attendee cancel keeping the fee: 499.00 back (348.90 card, 150.10 credits), all of it the host's.
    refund_create(order_id=order.id, amount=Decimal("499.00"), reason="attendee_cancelled")
    assert [json.loads(r.body)["amount"] for r in fake_http.sent("POST", "/v1/transfers/")] == [29900]
    assert _rows(order) == {
        ("card", "transfer", "transferred", Decimal("299.00"), Decimal("299.00")),
        ("credits", "payout", "manual", Decimal("200.00"), Decimal("200.00")),
    }
    assert payout_figures(paid_event)["amount"] == Decimal("0.00")


def test_stripe_transfers_each_cohost_their_card_part_from_the_charge(api, stripe_keys, paid_event, fake_http):
    host = Event.objects.get(id=paid_event.id).host
    co = UserWithProfileFactory()
    CoHost.objects.create(event_id=paid_event.id, user=co, accepted_at=timezone.now())
    for user, acct in ((host, "acct_HOST000001"), (co, "acct_COHOST0001")):
        fake_http.route(
            "GET", STRIPE, f"/v1/accounts/{acct}", (200, {"id": acct, "capabilities": {"transfers": "active"}})
        )
        assert settlement_account_register(user=user, provider="stripe", account_id=acct).status == "active"
    event_settlement_set(
        user=host, event_id=paid_event.id, mode="auto", splits=[SplitIn(host.id, 5000), SplitIn(co.id, 5000)]
    )
    intents = itertools.count(1)
    fake_http.route(
        "POST",
        STRIPE,
        "/v1/payment_intents",
        lambda r: (200, {"id": f"pi_{next(intents)}", "client_secret": "pi_secret_x", "status": "requires_payment"}),
    )
    fake_http.route("GET", STRIPE, "/v1/payment_intents/pi_2", (200, {"id": "pi_2", "latest_charge": "ch_2"}))
    transfers = itertools.count(1)
    fake_http.route("POST", STRIPE, "/v1/transfers", lambda r: (200, {"id": f"tr_{next(transfers)}"}))
    _, order = _part_paid(api, paid_event, provider="stripe", payment_id="pi_2")
    sent = [{k: v[0] for k, v in parse_qs(r.body).items()} for r in fake_http.sent("POST", "/v1/transfers")]
    assert [(s["destination"], s["amount"], s["source_transaction"]) for s in sent] == [
        ("acct_HOST000001", "14950", "ch_2"),  # 299.00 of card money, half each
        ("acct_COHOST0001", "14950", "ch_2"),
    ]
    assert {(s.recipient_id, s.funding, s.method, s.amount) for s in Settlement.objects.filter(order=order)} == {
        (host.id, "card", "transfer", Decimal("149.50")),
        (co.id, "card", "transfer", Decimal("149.50")),
        (host.id, "credits", "payout", Decimal("100.00")),
        (co.id, "credits", "payout", Decimal("100.00")),
    }
    assert payout_figures(paid_event, co)["amount"] == Decimal("100.00")
