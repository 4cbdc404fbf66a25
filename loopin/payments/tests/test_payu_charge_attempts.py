"""PayU and charges (top-ups, concessions, parking, marketplace): every checkout attempt of a charge has its own
txnid, a payment on any of them pays the charge once, and only the current attempt's failure fails it (faked at
PayU's HTTP boundary: its form, its signed callbacks, its verify_payment API)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from django.utils import timezone

from loopin.marketplace.models import Listing, ListingStatus, MarketplaceOrder
from loopin.marketplace.services.orders import marketplace_buy
from loopin.marketplace.tests.conftest import listing
from loopin.payments.charge_models import Charge
from loopin.payments.charge_purposes import ChargePurpose, register_charge_purpose
from loopin.payments.models import PaymentEvent
from loopin.payments.providers.payu import request_hash, reverse_hash
from loopin.payments.services.charges import charge_create
from loopin.payments.tasks import reconcile_charges
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
PAID: list[str] = []
FAILED: list[str] = []

pytestmark = pytest.mark.django_db


def _on_paid(charge: Charge) -> str:
    PAID.append(charge.reference)
    return "delivered"


def _on_failed(charge: Charge) -> None:
    FAILED.append(charge.reference)


register_charge_purpose(ChargePurpose(name="payu_goods", on_paid=_on_paid, on_failed=_on_failed))


@pytest.fixture(autouse=True)
def _forget() -> None:
    PAID.clear()
    FAILED.clear()


def _checkout(buyer: Any) -> dict[str, str]:
    """Open (or ask again for) the buyer's PayU charge for item-1; the form the app posts to PayU."""
    charge = charge_create(
        user=buyer, purpose="payu_goods", reference="item-1", amount=Decimal("250.00"), description="Two samosas",
        provider="payu",
    )  # fmt: skip
    fields = charge.checkout["fields"]
    assert fields["hash"] == request_hash(fields, "payusalt")
    return fields


def _callback(fields: dict[str, str], status: str, mihpayid: str) -> bytes:
    back = {k: fields[k] for k in ("key", "txnid", "amount", "productinfo", "firstname", "email")}
    back.update({"status": status, "mihpayid": mihpayid, "error_Message": "" if status == "success" else "cancelled"})
    back["hash"] = reverse_hash(back, "payusalt")
    return urlencode(back).encode()


def _webhook(api: Any, fields: dict[str, str], status: str = "success", mihpayid: str = "4039937") -> None:
    r = api.post("/api/payments/webhooks/payu", content=_callback(fields, status, mihpayid), headers=FORM)
    assert r.status_code == 200, r.text


def test_asking_again_for_a_pending_charge_gives_a_new_txnid_of_at_most_25_characters(buyer, payu_keys):
    first, second, third = _checkout(buyer), _checkout(buyer), _checkout(buyer)
    charge = Charge.objects.get()
    hex_ = charge.id.hex
    assert [first["txnid"], second["txnid"], third["txnid"]] == [
        f"LP{hex_[:23]}",
        f"LP{hex_[:19]}R002",
        f"LP{hex_[:19]}R003",
    ]
    assert {len(f["txnid"]) for f in (first, second, third)} == {25}
    assert {(f["amount"], f["productinfo"]) for f in (first, second, third)} == {("250.00", "Two samosas")}
    assert (charge.checkout_attempt, charge.provider_order_id, charge.status) == (3, third["txnid"], "pending")


def test_a_payment_on_an_earlier_attempt_pays_the_charge_once(api, buyer, payu_keys):
    first = _checkout(buyer)
    _checkout(buyer)
    _checkout(buyer)
    _webhook(api, first)
    _webhook(api, first)  # PayU delivers again
    charge = Charge.objects.get()
    assert (charge.status, charge.provider_payment_id, charge.fulfilment) == ("paid", "4039937", "delivered")
    assert PAID == ["item-1"]
    assert list(PaymentEvent.objects.values_list("charge_id", "order_id", "result")) == [
        (charge.id, None, "charge paid")
    ]


def test_the_return_page_of_an_earlier_attempt_settles_the_charge(api, buyer, payu_keys):
    first = _checkout(buyer)
    _checkout(buyer)
    r = api.post("/api/payments/payu/success", content=_callback(first, "success", "51"), headers=FORM)
    assert r.status_code == 200, r.text
    assert "<h1>Payment received</h1><p>Paid for Two samosas: the app shows it.</p>" in r.text
    assert "<p>Payment status: <strong>paid</strong></p>" in r.text
    assert (Charge.objects.get().status, PAID) == ("paid", ["item-1"])


def test_the_abandoned_attempt_failing_later_does_not_fail_the_charge(api, buyer, payu_keys):
    first = _checkout(buyer)
    second = _checkout(buyer)
    _webhook(api, first, status="failure", mihpayid="40")
    assert (Charge.objects.get().status, FAILED) == ("pending", [])
    assert PaymentEvent.objects.get().result == "ignored: an earlier checkout attempt"
    _webhook(api, second, mihpayid="41")
    charge = Charge.objects.get()
    assert (charge.status, charge.provider_payment_id, PAID) == ("paid", "41", ["item-1"])


def test_the_current_attempt_failing_fails_the_charge_once(api, buyer, payu_keys):
    _checkout(buyer)
    second = _checkout(buyer)
    r = api.post("/api/payments/payu/failure", content=_callback(second, "failure", "42"), headers=FORM)
    assert r.status_code == 200, r.text
    assert "<p>No money was taken for Two samosas. You can try again in the app.</p>" in r.text
    assert "<p>Payment status: <strong>failed</strong></p>" in r.text
    assert (Charge.objects.get().status, FAILED) == ("failed", ["item-1"])


def test_the_client_verify_ignores_an_earlier_attempts_failure_and_takes_its_payment(api, buyer, payu_keys):
    first = _checkout(buyer)
    _checkout(buyer)
    charge = Charge.objects.get()
    url = f"/api/v2/payments/charges/{charge.id}/verify"

    def fields(status: str) -> dict[str, str]:  # what PayU's SDK hands the app back: the callback's fields
        return {k: v[0] for k, v in parse_qs(_callback(first, status, "61").decode(), keep_blank_values=True).items()}

    r = api.post(url, json=fields("failure"), headers=token_for(buyer))
    assert (r.status_code, r.json()["data"]["status"], FAILED) == (200, "pending", [])
    r = api.post(url, json=fields("success"), headers=token_for(buyer))
    assert (r.status_code, r.json()["data"]["status"], PAID) == (200, "paid", ["item-1"])


def test_reconciliation_asks_payu_about_every_attempt_of_a_charge(buyer, payu_keys, fake_http):
    first = _checkout(buyer)
    second = _checkout(buyer)
    charge = Charge.objects.get()
    Charge.objects.filter(id=charge.id).update(created_at=timezone.now() - timedelta(minutes=20))
    details = {
        second["txnid"]: {"status": "failure", "error_Message": "cancelled"},
        first["txnid"]: {"status": "success", "mihpayid": "777", "amt": "250.00"},
    }
    fake_http.route(
        "POST", "test.payu.in", "/merchant/postservice.php", (200, {"status": 1, "transaction_details": details})
    )
    assert reconcile_charges()["paid"] == 1
    charge.refresh_from_db()
    assert (charge.status, charge.provider_payment_id, PAID) == ("paid", "777", ["item-1"])
    form = parse_qs(fake_http.sent("POST", "/merchant/postservice.php")[0].body)
    assert form["var1"] == [f"{second['txnid']}|{first['txnid']}"]


def test_a_marketplace_buyer_paying_again_by_payu_gets_a_new_txnid_and_the_first_form_still_buys(
    api, payu_keys, app_settings
):
    app_settings.PAYMENT_PROVIDER = "payu"
    made = listing(UserWithProfileFactory(), price="1000.00")
    buyer = UserWithProfileFactory()
    order = marketplace_buy(buyer=buyer, listing_id=made.id)
    url = f"/api/v2/me/marketplace/orders/{order.id}/pay"
    forms = [api.post(url, json={"method": "card"}, headers=token_for(buyer)).json()["data"] for _ in range(2)]
    first, second = (f["payment"]["checkout"]["fields"] for f in forms)
    charge = Charge.objects.get(purpose="marketplace")
    assert (first["txnid"], second["txnid"], first["amount"]) == (
        f"LP{charge.id.hex[:23]}",
        f"LP{charge.id.hex[:19]}R002",
        "1050.00",
    )
    _webhook(api, first, mihpayid="90")
    assert (MarketplaceOrder.objects.get(id=order.id).status, Listing.objects.get(id=made.id).status) == (
        "paid",
        ListingStatus.SOLD,
    )
