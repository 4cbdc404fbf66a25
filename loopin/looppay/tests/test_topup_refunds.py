"""A refunded top-up takes its credits back exactly once, and never drives a balance below zero: a refund we make
is refused beyond the unspent credits; one made at the provider takes back what is unspent and flags the rest."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from loopin.core.errors import LoopinError
from loopin.looppay.ledger import provider_account
from loopin.looppay.models import JournalEntry
from loopin.looppay.reconciliation import ledger_reconcile
from loopin.looppay.selectors import credit_balance
from loopin.looppay.spending import spend
from loopin.looppay.topups import topup_start
from loopin.payments.charge_models import Charge, ChargeRefund
from loopin.payments.money import to_minor
from loopin.payments.providers.base import hmac_sha256_hex
from loopin.payments.providers.sandbox import sandbox_secret
from loopin.payments.services.charges import charge_confirm, charge_refund
from loopin.payments.tests.helpers import razorpay_signature

RZP = "api.razorpay.com"


def rzp_webhook(api, event_type: str, entity: dict, *, event_id: str, kind: str = "payment"):
    body = json.dumps({"event": event_type, "payload": {kind: {"entity": entity}}}).encode()
    headers = {
        "X-Razorpay-Signature": razorpay_signature(body, "rzp_webhook_secret"),
        "X-Razorpay-Event-Id": event_id,
        "Content-Type": "application/json",
    }
    return api.post("/api/payments/webhooks/razorpay", content=body, headers=headers)


def paid_topup(person, amount: str) -> Charge:
    charge = topup_start(user=person, amount=amount)
    return charge_confirm(
        charge_id=charge.id, payment_id="pay_t1", provider=charge.provider,
        amount_minor=to_minor(charge.amount, "INR"), currency="INR",
    )  # fmt: skip


def refund_webhook(api, charge: Charge, *, refund_id: str, amount: str, kind: str = "refund.processed"):
    body = json.dumps(
        {
            "id": f"evt_{refund_id}_{kind}",
            "type": kind,
            "data": {
                "order_id": charge.provider_order_id,
                "refund_id": refund_id,
                "amount": to_minor(Decimal(amount), "INR"),
            },
        }
    ).encode()
    headers = {"Content-Type": "application/json", "X-Sandbox-Signature": hmac_sha256_hex(sandbox_secret(), body)}
    return api.post("/api/payments/webhooks/sandbox", content=body, headers=headers)


@pytest.mark.django_db
def test_a_refunded_unspent_top_up_takes_its_credits_back_once(person):
    charge = paid_topup(person, "500.00")
    assert credit_balance(person) == Decimal("500.00")

    first = charge_refund(charge_id=charge.id, reason="requested", idempotency_key="topup-refund-1")
    again = charge_refund(charge_id=charge.id, reason="requested", idempotency_key="topup-refund-1")

    assert first.id == again.id
    assert credit_balance(person) == Decimal("0.00")
    assert provider_account("sandbox").balance == Decimal("0.00")
    [entry] = JournalEntry.objects.filter(reason="topup_refund")
    assert (entry.idempotency_key, entry.reference) == (f"topup-refund:{first.id}", str(charge.id))
    assert Charge.objects.get(id=charge.id).status == "refunded"


@pytest.mark.django_db
def test_a_refund_beyond_the_unspent_credits_is_refused_and_the_unspent_part_can_be_refunded(person):
    charge = paid_topup(person, "500.00")
    spend(user=person, amount=Decimal("300.00"), key="concessions:1", purpose="concessions")

    with pytest.raises(LoopinError) as exc:
        charge_refund(charge_id=charge.id, reason="requested")
    assert (exc.value.status, exc.value.code, exc.value.details) == (
        409,
        "TOPUP_CREDITS_SPENT",
        {"unspent": "200.00", "refundable": "200.00"},
    )
    assert not ChargeRefund.objects.exists()
    assert Charge.objects.get(id=charge.id).amount_refunded == Decimal("0")

    charge_refund(charge_id=charge.id, amount=Decimal("200.00"), reason="requested")
    assert credit_balance(person) == Decimal("0.00")
    assert Charge.objects.get(id=charge.id).status == "partially_refunded"


def test_a_refund_the_provider_fails_gives_the_credits_back_once(api, person, razorpay_keys, fake_http):
    fake_http.route("POST", RZP, "/v1/orders", (200, {"id": "order_TOP1", "amount": 50000, "status": "created"}))
    charge = topup_start(user=person, amount="500.00", provider="razorpay")
    paid = {"id": "pay_T1", "order_id": "order_TOP1", "amount": 50000, "currency": "INR"}
    assert rzp_webhook(api, "payment.captured", paid, event_id="t1").status_code == 200
    assert credit_balance(person) == Decimal("500.00")
    fake_http.route("POST", RZP, "/v1/payments/pay_T1/refund", (200, {"id": "rfnd_T1", "status": "pending"}))
    refund = charge_refund(charge_id=charge.id, reason="requested")
    assert (ChargeRefund.objects.get(id=refund.id).status, credit_balance(person)) == ("pending", Decimal("0.00"))

    failed = {"id": "rfnd_T1", "payment_id": "pay_T1", "amount": 50000, "notes": {}}
    for event_id in ("t2", "t3"):  # delivered twice
        rzp_webhook(api, "refund.failed", failed, event_id=event_id, kind="refund")

    assert credit_balance(person) == Decimal("500.00")
    assert JournalEntry.objects.filter(idempotency_key=f"topup-refund:{refund.id}:failed").count() == 1
    assert (Charge.objects.get(id=charge.id).status, ChargeRefund.objects.get(id=refund.id).status) == (
        "paid",
        "failed",
    )
    assert (ledger_reconcile().problems, ledger_reconcile().ok) == ([], True)  # taken back and given back: in step


def test_a_refund_made_at_the_provider_takes_back_what_is_unspent_once_and_flags_the_rest(api, person):
    charge = paid_topup(person, "500.00")
    spend(user=person, amount=Decimal("350.00"), key="parking:1", purpose="parking")

    for _ in range(2):  # delivered twice
        assert refund_webhook(api, charge, refund_id="sbx_rfnd_dash1", amount="500.00").status_code == 200

    [refund] = ChargeRefund.objects.filter(charge=charge)
    assert (refund.amount, refund.status, refund.reason, refund.provider_refund_id) == (
        Decimal("500.00"),
        "processed",
        "provider_initiated",
        "sbx_rfnd_dash1",
    )
    assert credit_balance(person) == Decimal("0.00")  # 150 unspent taken back; never below zero
    [entry] = JournalEntry.objects.filter(reason="topup_refund")
    assert [line.amount for line in entry.lines.order_by("amount")] == [Decimal("-150.00"), Decimal("150.00")]
    charge.refresh_from_db()
    assert (charge.status, charge.review_reason) == (
        "refunded",
        "refunded at the provider after 350.00 of its credits were spent",
    )


def test_a_partial_refund_made_at_the_provider_of_an_unspent_top_up_takes_back_that_part(api, person):
    charge = paid_topup(person, "500.00")
    assert refund_webhook(api, charge, refund_id="sbx_rfnd_dash2", amount="120.50").status_code == 200
    assert credit_balance(person) == Decimal("379.50")
    charge.refresh_from_db()
    assert (charge.status, charge.amount_refunded, charge.review_reason) == (
        "partially_refunded",
        Decimal("120.50"),
        "",
    )
