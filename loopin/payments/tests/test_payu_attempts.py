"""PayU: every checkout attempt of an order has its own txnid, and a payment on any of them pays the order once
(faked at PayU's HTTP boundary: its form, its signed callbacks, its verify_payment API)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlencode

from django.utils import timezone

from loopin.payments.models import Order, PaymentEvent
from loopin.payments.providers.payu import request_hash, reverse_hash
from loopin.payments.tasks import reconcile_orders
from loopin.payments.tests.helpers import buy
from loopin.tickets.models import Ticket

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _checkout(api, headers, event) -> dict[str, str]:
    r = buy(api, headers, event, provider="payu")
    assert r.status_code == 200, r.text
    fields = r.json()["data"]["checkout"]["fields"]
    assert fields["hash"] == request_hash(fields, "payusalt")
    return fields


def _callback(fields: dict[str, str], status: str, mihpayid: str) -> bytes:
    back = {k: fields[k] for k in ("key", "txnid", "amount", "productinfo", "firstname", "email")}
    back.update({"status": status, "mihpayid": mihpayid, "error_Message": "" if status == "success" else "cancelled"})
    back["hash"] = reverse_hash(back, "payusalt")
    return urlencode(back).encode()


def _webhook(api, fields, status="success", mihpayid="4039937"):
    r = api.post("/api/payments/webhooks/payu", content=_callback(fields, status, mihpayid), headers=FORM)
    assert r.status_code == 200, r.text
    return r


def test_asking_again_for_an_open_order_gives_a_new_txnid_and_each_is_at_most_25_characters(
    api, paid_event, buyer_headers, payu_keys
):
    first = _checkout(api, buyer_headers, paid_event)
    second = _checkout(api, buyer_headers, paid_event)
    third = _checkout(api, buyer_headers, paid_event)
    order = Order.objects.get()
    hex_ = order.id.hex
    assert [first["txnid"], second["txnid"], third["txnid"]] == [
        f"LP{hex_[:23]}",
        f"LP{hex_[:19]}R002",
        f"LP{hex_[:19]}R003",
    ]
    assert {len(f["txnid"]) for f in (first, second, third)} == {25}
    assert (order.checkout_attempt, order.provider_order_id, order.replaced_provider_order_id) == (
        3,
        third["txnid"],
        second["txnid"],
    )


def test_a_payment_on_an_earlier_attempt_pays_the_order_once(api, paid_event, buyer_headers, payu_keys):
    first = _checkout(api, buyer_headers, paid_event)
    _checkout(api, buyer_headers, paid_event)
    _checkout(api, buyer_headers, paid_event)  # the first txnid is now in neither kept field
    _webhook(api, first)
    _webhook(api, first)  # PayU delivers again
    order = Order.objects.get()
    assert (order.status, order.provider_payment_id) == ("paid", "4039937")
    assert Ticket.objects.filter(event=paid_event).count() == 1
    assert list(PaymentEvent.objects.values_list("order_id", "result")) == [(order.id, "order paid")]


def test_the_return_page_of_an_earlier_attempt_settles_the_order(api, paid_event, buyer_headers, payu_keys):
    first = _checkout(api, buyer_headers, paid_event)
    _checkout(api, buyer_headers, paid_event)
    r = api.post("/api/payments/payu/success", content=_callback(first, "success", "51"), headers=FORM)
    assert r.status_code == 200, r.text
    assert "paid" in r.text.lower()
    assert Order.objects.get().status == "paid"


def test_the_abandoned_attempt_failing_later_does_not_fail_the_order(api, paid_event, buyer_headers, payu_keys):
    first = _checkout(api, buyer_headers, paid_event)
    second = _checkout(api, buyer_headers, paid_event)
    _webhook(api, first, status="failure", mihpayid="40")
    order = Order.objects.get()
    assert (order.status, order.seats_held) == ("pending", True)
    assert PaymentEvent.objects.get().result == "ignored: an earlier checkout attempt"
    _webhook(api, second, mihpayid="41")
    order.refresh_from_db()
    assert (order.status, order.provider_payment_id) == ("paid", "41")


def test_the_current_attempt_failing_fails_the_order(api, paid_event, buyer_headers, payu_keys):
    _checkout(api, buyer_headers, paid_event)
    second = _checkout(api, buyer_headers, paid_event)
    _webhook(api, second, status="failure", mihpayid="42")
    order = Order.objects.get()
    assert (order.status, order.seats_held) == ("failed", False)


def test_an_order_in_flight_with_the_old_txnid_still_resolves(api, paid_event, buyer_headers, payu_keys):
    """Orders opened before attempts were counted have the old txnid and attempt 1 (the migration's default)."""
    old = _checkout(api, buyer_headers, paid_event)
    order = Order.objects.get()
    Order.objects.filter(id=order.id).update(checkout_attempt=1)
    assert (old["txnid"], order.provider_order_id) == (f"LP{order.id.hex[:23]}", old["txnid"])
    _webhook(api, old)
    order.refresh_from_db()
    assert order.status == "paid"


def test_a_txnid_naming_no_order_of_ours_is_ignored(api, paid_event, buyer_headers, payu_keys):
    fields = _checkout(api, buyer_headers, paid_event)
    _webhook(api, {**fields, "txnid": "LP" + "0" * 19 + "R002"})
    assert Order.objects.get().status == "pending"
    assert PaymentEvent.objects.get().result == "ignored: no order"


def test_reconciliation_asks_payu_about_every_attempt(api, paid_event, buyer_headers, payu_keys, fake_http):
    first = _checkout(api, buyer_headers, paid_event)
    second = _checkout(api, buyer_headers, paid_event)
    order = Order.objects.get()
    Order.objects.filter(id=order.id).update(created_at=timezone.now() - timedelta(minutes=20))
    details = {
        second["txnid"]: {"status": "failure", "error_Message": "cancelled"},
        first["txnid"]: {"status": "success", "mihpayid": "777", "amt": "548.90"},
    }
    fake_http.route(
        "POST", "test.payu.in", "/merchant/postservice.php", (200, {"status": 1, "transaction_details": details})
    )
    assert reconcile_orders()["paid"] == 1
    order.refresh_from_db()
    assert (order.status, order.provider_payment_id) == ("paid", "777")
    form = parse_qs(fake_http.sent("POST", "/merchant/postservice.php")[0].body)
    assert form["var1"] == [f"{second['txnid']}|{first['txnid']}"]
