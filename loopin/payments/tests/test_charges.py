"""Charges: card payments for purposes other than ticket orders, through the same providers and webhooks.

A purpose registered here records what its handlers are called with; the handler runs once per charge however
many confirmations arrive, a handler's refusal refunds the charge, and refunds go to the provider once."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest

from loopin.audit.models import AuditEntry
from loopin.core.errors import Conflict, LoopinError
from loopin.payments.charge_models import Charge, ChargeRefund
from loopin.payments.charge_purposes import ChargePurpose, register_charge_purpose
from loopin.payments.models import PaymentEvent
from loopin.payments.money import to_minor
from loopin.payments.providers.sandbox import sandbox_client_signature, sandbox_event
from loopin.payments.services.charges import charge_confirm, charge_create, charge_refund
from loopin.testing.concurrency import outcomes as race
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for

PAID: list[str] = []
FAILED: list[str] = []


def _on_paid(charge: Charge) -> str:
    if charge.reference.startswith("gone"):
        raise Conflict("The thing paid for is gone.")
    PAID.append(charge.reference)
    return f"delivered {charge.reference}"


def _on_failed(charge: Charge) -> None:
    FAILED.append(charge.reference)


register_charge_purpose(ChargePurpose(name="test_goods", on_paid=_on_paid, on_failed=_on_failed))


@pytest.fixture(autouse=True)
def _forget() -> None:
    PAID.clear()
    FAILED.clear()


def _charge(buyer: Any, reference: str = "item-1", amount: str = "250.00") -> Charge:
    return charge_create(
        user=buyer, purpose="test_goods", reference=reference, amount=Decimal(amount), description="Two samosas"
    )


def _webhook(api: Any, charge: Charge, kind: str = "payment.succeeded") -> Any:
    body, headers = sandbox_event(charge, kind)
    return api.post("/api/payments/webhooks/sandbox", content=body, headers=headers)


def test_a_charge_opens_a_sandbox_checkout_on_its_own_page(api, buyer):
    charge = _charge(buyer)
    assert (charge.status, charge.provider, charge.provider_order_id) == (
        "pending",
        "sandbox",
        f"sbx_order_{charge.id.hex}",
    )
    url = charge.checkout["checkout_url"]
    assert re.fullmatch(rf"http://localhost:8000/api/payments/sandbox/charges/{charge.id}\?token=[^&]+", url)
    page = api.get(url.removeprefix("http://localhost:8000"))
    assert page.status_code == 200
    assert "Two samosas" in page.text and "250.00 INR" in page.text


def test_a_repeat_create_while_pending_returns_the_open_charge(buyer):
    assert _charge(buyer).id == _charge(buyer).id
    assert Charge.objects.count() == 1


def test_an_unregistered_purpose_is_refused(buyer):
    with pytest.raises(LoopinError) as err:
        charge_create(user=buyer, purpose="nope", reference="1", amount=Decimal("1"), description="x")
    assert err.value.code == "CHARGE_PURPOSE_UNKNOWN"


def test_the_paid_webhook_fulfils_once_however_often_it_comes(api, buyer):
    charge = _charge(buyer)
    body, headers = sandbox_event(charge, "payment.succeeded")
    answers = [api.post("/api/payments/webhooks/sandbox", content=body, headers=headers) for _ in range(3)]
    assert [a.json()["data"]["duplicate"] for a in answers] == [False, True, True]
    charge.refresh_from_db()
    assert (charge.status, charge.fulfilment) == ("paid", "delivered item-1")
    assert PAID == ["item-1"]
    assert PaymentEvent.objects.get().charge_id == charge.id
    assert PaymentEvent.objects.get().result == "charge paid"


def test_concurrent_confirmations_fulfil_once(buyer):
    charge = _charge(buyer)
    amount = to_minor(charge.amount, "INR")
    calls = [
        lambda: charge_confirm(
            charge_id=charge.id, payment_id="p1", provider="sandbox", amount_minor=amount, currency="INR"
        )
        for _ in range(8)
    ]
    assert race(calls) == Counter({"ok": 8})
    assert PAID == ["item-1"]


def test_verify_then_webhook_fulfils_once(api, buyer, buyer_headers):
    charge = _charge(buyer)
    payload = {"payment_id": "sbx_pay_1", "signature": sandbox_client_signature(charge.provider_order_id, "sbx_pay_1")}
    r = api.post(f"/api/v2/payments/charges/{charge.id}/verify", json=payload, headers=buyer_headers)
    assert (r.status_code, r.json()["data"]["status"], r.json()["data"]["checkout"]) == (200, "paid", None)
    _webhook(api, charge)
    assert PAID == ["item-1"]


def test_a_forged_verify_is_refused(api, buyer, buyer_headers):
    charge = _charge(buyer)
    r = api.post(
        f"/api/v2/payments/charges/{charge.id}/verify",
        json={"payment_id": "x", "signature": "0" * 64},
        headers=buyer_headers,
    )
    assert (r.status_code, r.json()["error_code"]) == (400, "INVALID_SIGNATURE")
    assert PAID == []


def test_a_payment_of_another_amount_is_held_for_review(buyer):
    charge = _charge(buyer)
    charge_confirm(charge_id=charge.id, payment_id="p", provider="sandbox", amount_minor=100, currency="INR")
    charge.refresh_from_db()
    assert (charge.status, charge.review_reason) == (
        "pending",
        "amount mismatch: paid 100 minor units, expected 25000 (webhook)",
    )
    assert PAID == []


def test_a_failed_payment_calls_on_failed_once(api, buyer):
    charge = _charge(buyer)
    _webhook(api, charge, "payment.failed")
    _webhook(api, charge, "payment.failed")
    charge.refresh_from_db()
    assert (charge.status, charge.failure_reason) == ("failed", "declined in the sandbox")
    assert FAILED == ["item-1"]


def test_a_handler_refusal_refunds_the_charge_in_full(api, buyer):
    charge = _charge(buyer, reference="gone-1")
    _webhook(api, charge)
    charge.refresh_from_db()
    assert (charge.status, charge.amount_refunded) == ("refunded", Decimal("250.00"))
    assert charge.fulfilment == "not fulfilled: CONFLICT: The thing paid for is gone."
    refund = ChargeRefund.objects.get(charge=charge)
    assert (refund.status, refund.reason, refund.amount) == ("processed", "not_fulfilled", Decimal("250.00"))


def test_a_partial_refund_goes_to_the_provider_once_per_key(api, buyer):
    charge = _charge(buyer)
    _webhook(api, charge)
    first = charge_refund(charge_id=charge.id, amount=Decimal("50.00"), reason="one item out", idempotency_key="r1")
    again = charge_refund(charge_id=charge.id, amount=Decimal("50.00"), reason="one item out", idempotency_key="r1")
    assert first.id == again.id
    first.refresh_from_db()
    charge.refresh_from_db()
    assert (first.status, first.provider_refund_id.startswith("sbx_rfnd_")) == ("processed", True)
    assert (charge.status, charge.amount_refunded) == ("partially_refunded", Decimal("50.00"))
    with pytest.raises(LoopinError) as err:
        charge_refund(charge_id=charge.id, amount=Decimal("200.01"), reason="too much")
    assert (err.value.code, err.value.details) == ("REFUND_TOO_LARGE", {"refundable": "200.00"})
    assert AuditEntry.objects.filter(action="charge_refund.processed").count() == 1


def test_an_unpaid_charge_cannot_be_refunded(buyer):
    charge = _charge(buyer)
    with pytest.raises(LoopinError) as err:
        charge_refund(charge_id=charge.id, reason="x")
    assert err.value.code == "CHARGE_NOT_PAID"


def test_the_buyer_reads_and_gives_up_a_charge_others_cannot_see_it(api, buyer, buyer_headers):
    charge = _charge(buyer)
    r = api.get(f"/api/v2/payments/charges/{charge.id}", headers=buyer_headers)
    assert (r.status_code, r.json()["data"]["amount"], r.json()["data"]["purpose"]) == (200, "250.00", "test_goods")
    other = api.get(f"/api/v2/payments/charges/{charge.id}", headers=_other_headers())
    assert (other.status_code, other.json()["error_code"]) == (404, "CHARGE_NOT_FOUND")
    r = api.post(f"/api/v2/payments/charges/{charge.id}/cancel", headers=buyer_headers)
    assert r.json()["data"]["status"] == "cancelled"
    assert FAILED == ["item-1"]


def _other_headers() -> dict[str, str]:
    return token_for(UserWithProfileFactory())
