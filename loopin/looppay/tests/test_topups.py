"""Top-ups through the providers (sandbox): the balance is credited exactly once per provider payment, within caps."""

from __future__ import annotations

from decimal import Decimal

from loopin.looppay.ledger import provider_account, user_account
from loopin.looppay.models import JournalEntry
from loopin.looppay.selectors import credit_balance
from loopin.payments.charge_models import Charge, ChargeRefund
from loopin.payments.providers.sandbox import sandbox_event
from loopin.testing.fixtures import token_for


def _topup(api, headers, amount: str) -> Charge:
    r = api.post("/api/v2/looppay/topups", json={"amount": amount}, headers=headers)
    assert r.status_code == 201, r.text
    return Charge.objects.get(id=r.json()["data"]["id"])


def _pay(api, charge: Charge) -> None:
    body, headers = sandbox_event(charge, "payment.succeeded")
    for _ in range(3):  # the provider delivers it more than once
        assert api.post("/api/payments/webhooks/sandbox", content=body, headers=headers).status_code == 200


def test_a_paid_top_up_credits_the_balance_once(api, person):
    headers = token_for(person)
    charge = _topup(api, headers, "500.00")
    assert (charge.purpose, charge.status, charge.amount) == ("looppay_topup", "pending", Decimal("500.00"))
    _pay(api, charge)
    charge.refresh_from_db()
    assert charge.status == "paid"
    assert credit_balance(person) == Decimal("500.00")
    assert provider_account("sandbox").balance == Decimal("-500.00")
    entry = JournalEntry.objects.get(reason="topup")
    assert (entry.idempotency_key, entry.reference) == (f"topup:{charge.id}", str(charge.id))
    balance = api.get("/api/v2/looppay/balance", headers=headers).json()["data"]
    assert balance == {
        "balance": "500.00",
        "paid": "500.00",
        "promotional": "0.00",
        "currency": "INR",
        "next_promo_expiry": None,
    }


def test_an_unpaid_or_failed_top_up_credits_nothing(api, person):
    charge = _topup(api, token_for(person), "200")
    body, headers = sandbox_event(charge, "payment.failed")
    api.post("/api/payments/webhooks/sandbox", content=body, headers=headers)
    assert credit_balance(person) == Decimal("0")
    assert not JournalEntry.objects.exists()


def test_a_top_up_below_the_minimum_or_over_the_cap_is_refused(api, person):
    headers = token_for(person)
    small = api.post("/api/v2/looppay/topups", json={"amount": "5"}, headers=headers)
    assert (small.status_code, small.json()["error_code"], small.json()["details"]) == (
        400,
        "TOPUP_TOO_SMALL",
        {"minimum": "10"},
    )
    big = api.post("/api/v2/looppay/topups", json={"amount": "10000.01"}, headers=headers)
    assert (big.status_code, big.json()["error_code"]) == (409, "BALANCE_CAP_EXCEEDED")
    assert Charge.objects.count() == 0


def test_a_second_top_up_that_breaks_the_cap_when_paid_is_refunded_not_credited(api, person):
    headers = token_for(person)
    first, second = _topup(api, headers, "6000"), _topup(api, headers, "6000")  # each fits alone
    _pay(api, first)
    _pay(api, second)
    second.refresh_from_db()
    assert credit_balance(person) == Decimal("6000.00")
    assert (second.status, second.fulfilment) == (
        "refunded",
        "not fulfilled: BALANCE_CAP_EXCEEDED: This would take your LoopPay balance over its cap.",
    )
    assert ChargeRefund.objects.get(charge=second).status == "processed"
    assert JournalEntry.objects.filter(reason="topup").count() == 1


def test_the_monthly_load_cap_counts_top_ups_of_the_month(api, person, app_settings):
    app_settings.LOOPPAY_MONTHLY_LOAD_CAP = Decimal("1000")
    headers = token_for(person)
    _pay(api, _topup(api, headers, "800"))
    r = api.post("/api/v2/looppay/topups", json={"amount": "200.01"}, headers=headers)
    assert (r.status_code, r.json()["error_code"], r.json()["details"]) == (
        409,
        "MONTHLY_LOAD_CAP_EXCEEDED",
        {"cap": "1000", "loaded_after": "1000.01"},
    )
    assert user_account(person).balance == Decimal("800.00")


def test_history_lists_the_callers_movements_newest_first(api, person):
    headers = token_for(person)
    _pay(api, _topup(api, headers, "100"))
    _pay(api, _topup(api, headers, "50"))
    page = api.get("/api/v2/looppay/history?limit=1", headers=headers).json()
    assert page["meta"] == {"total": 2, "offset": 0, "limit": 1}
    assert [(i["reason"], i["amount"]) for i in page["data"]] == [("topup", "50.00")]
