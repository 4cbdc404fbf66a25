"""Razorpay, Stripe and PayU end to end, faked at their HTTP boundary (the SDKs' requests session)."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlencode

from django.utils import timezone

from loopin.payments.models import Order, Refund
from loopin.payments.providers.payu import request_hash, reverse_hash
from loopin.payments.services import refund_create, refund_submit
from loopin.payments.tasks import reconcile_orders
from loopin.payments.tests.helpers import buy, razorpay_signature, stripe_signature
from loopin.tickets.models import Ticket

RZP = "api.razorpay.com"
STRIPE = "api.stripe.com"


def _rzp_order(api, headers, event, fake_http) -> Order:
    fake_http.route("POST", RZP, "/v1/orders", (200, {"id": "order_RZP1", "amount": 54890, "status": "created"}))
    r = buy(api, headers, event, provider="razorpay")
    assert r.status_code == 200, r.text
    return Order.objects.get(id=r.json()["data"]["id"])


def _rzp_webhook(api, event_type: str, entity: dict, *, event_id: str, kind: str = "payment"):
    body = json.dumps({"event": event_type, "payload": {kind: {"entity": entity}}}).encode()
    headers = {
        "X-Razorpay-Signature": razorpay_signature(body, "rzp_webhook_secret"),
        "X-Razorpay-Event-Id": event_id,
        "Content-Type": "application/json",
    }
    return api.post("/api/payments/webhooks/razorpay", content=body, headers=headers)


# ---------------------------------------------------------------- razorpay


def test_razorpay_checkout_gives_the_order_id_and_key(api, paid_event, buyer_headers, razorpay_keys, fake_http):
    order = _rzp_order(api, buyer_headers, paid_event, fake_http)
    assert order.checkout == {
        "razorpay_order_id": "order_RZP1",
        "key_id": "rzp_test_key",
        "amount": 54890,
        "currency": "INR",
    }
    sent = json.loads(fake_http.sent("POST", "/v1/orders")[0].body)
    assert (sent["amount"], sent["currency"], sent["notes"]) == (54890, "INR", {"order_id": str(order.id)})


def test_razorpay_verify_pays_the_order(api, paid_event, buyer_headers, razorpay_keys, fake_http):
    order = _rzp_order(api, buyer_headers, paid_event, fake_http)
    r = api.post(
        f"/api/v2/payments/orders/{order.id}/verify",
        json={
            "razorpay_order_id": "order_RZP1",
            "razorpay_payment_id": "pay_1",
            "razorpay_signature": razorpay_signature("order_RZP1|pay_1", "rzp_test_secret"),
        },
        headers=buyer_headers,
    )
    assert (r.status_code, r.json()["data"]["status"]) == (200, "paid")


def test_razorpay_captured_webhook_pays_the_order(api, paid_event, buyer_headers, razorpay_keys, fake_http):
    order = _rzp_order(api, buyer_headers, paid_event, fake_http)
    r = _rzp_webhook(
        api,
        "payment.captured",
        {"id": "pay_1", "order_id": "order_RZP1", "amount": 54890, "currency": "INR"},
        event_id="evt_rzp_1",
    )
    assert r.status_code == 200
    order.refresh_from_db()
    assert (order.status, order.provider_payment_id) == ("paid", "pay_1")


def test_razorpay_forged_webhook_is_refused(api, paid_event, buyer_headers, razorpay_keys, fake_http):
    _rzp_order(api, buyer_headers, paid_event, fake_http)
    body = json.dumps({"event": "payment.captured", "payload": {}}).encode()
    r = api.post(
        "/api/payments/webhooks/razorpay",
        content=body,
        headers={"X-Razorpay-Signature": razorpay_signature(body, "guess")},
    )
    assert r.status_code == 400


def test_reconciliation_settles_an_order_whose_webhook_was_lost(
    api, paid_event, buyer_headers, razorpay_keys, fake_http
):
    order = _rzp_order(api, buyer_headers, paid_event, fake_http)
    Order.objects.filter(id=order.id).update(created_at=timezone.now() - timedelta(minutes=20))
    fake_http.route(
        "GET",
        RZP,
        "/v1/orders/order_RZP1/payments",
        (200, {"count": 1, "items": [{"id": "pay_9", "status": "captured", "amount": 54890, "currency": "INR"}]}),
    )
    assert reconcile_orders() == {
        "webhooks_applied": 0,
        "asked": 1,
        "paid": 1,
        "failed": 0,
        "errors": 0,
        "refunds_resent": 0,
        "cancelled_event_refunds": 0,
    }
    order.refresh_from_db()
    assert (order.status, order.provider_payment_id) == ("paid", "pay_9")
    assert Ticket.objects.filter(id=order.ticket_id, status="valid").exists()


def test_reconciliation_leaves_young_orders_alone(api, paid_event, buyer_headers, razorpay_keys, fake_http):
    _rzp_order(api, buyer_headers, paid_event, fake_http)
    assert reconcile_orders()["asked"] == 0


def test_a_provider_outage_at_checkout_answers_503_and_frees_the_seats(
    api, paid_event, buyer_headers, razorpay_keys, fake_http
):
    fake_http.route("POST", RZP, "/v1/orders", (500, {"error": {"code": "SERVER_ERROR", "description": "down"}}))
    r = buy(api, buyer_headers, paid_event, provider="razorpay")
    assert (r.status_code, r.json()["error_code"]) == (503, "PAYMENT_PROVIDER_UNAVAILABLE")
    paid_event.refresh_from_db()
    assert paid_event.seats_taken == 0
    assert Order.objects.get().status == "failed"


def _paid_rzp_order(api, headers, event, fake_http) -> Order:
    order = _rzp_order(api, headers, event, fake_http)
    _rzp_webhook(
        api,
        "payment.captured",
        {"id": "pay_1", "order_id": "order_RZP1", "amount": 54890, "currency": "INR"},
        event_id="e1",
    )
    order.refresh_from_db()
    return order


def test_a_razorpay_refund_stays_pending_until_its_webhook(api, paid_event, buyer_headers, razorpay_keys, fake_http):
    order = _paid_rzp_order(api, buyer_headers, paid_event, fake_http)
    fake_http.route("POST", RZP, "/v1/payments/pay_1/refund", (200, {"id": "rfnd_1", "status": "pending"}))
    refund = refund_create(order_id=order.id, amount=Decimal("100.00"), reason="goodwill", idempotency_key="rk-1")
    refund.refresh_from_db()
    assert (refund.status, refund.provider_refund_id) == ("pending", "rfnd_1")
    sent = json.loads(fake_http.sent("POST", "/v1/payments/pay_1/refund")[0].body)
    assert (sent["amount"], sent["notes"]) == (10000, {"refund_key": "rk-1"})
    entity = {"id": "rfnd_1", "payment_id": "pay_1", "amount": 10000, "notes": {"refund_key": "rk-1"}}
    assert _rzp_webhook(api, "refund.processed", entity, event_id="e2", kind="refund").status_code == 200
    refund.refresh_from_db()
    assert refund.status == "processed"


def test_a_failed_refund_webhook_gives_the_amount_back(api, paid_event, buyer_headers, razorpay_keys, fake_http):
    order = _paid_rzp_order(api, buyer_headers, paid_event, fake_http)
    fake_http.route("POST", RZP, "/v1/payments/pay_1/refund", (200, {"id": "rfnd_2", "status": "pending"}))
    refund = refund_create(order_id=order.id, amount=Decimal("100.00"), reason="goodwill")
    entity = {"id": "rfnd_2", "payment_id": "pay_1", "amount": 10000, "notes": {}}
    _rzp_webhook(api, "refund.failed", entity, event_id="e3", kind="refund")
    refund.refresh_from_db()
    order.refresh_from_db()
    assert (refund.status, order.status, order.amount_refunded) == ("failed", "paid", Decimal("0.00"))


def test_a_retried_refund_submission_calls_the_provider_once(api, paid_event, buyer_headers, razorpay_keys, fake_http):
    order = _paid_rzp_order(api, buyer_headers, paid_event, fake_http)
    fake_http.route("POST", RZP, "/v1/payments/pay_1/refund", (200, {"id": "rfnd_3", "status": "pending"}))
    refund = refund_create(order_id=order.id, amount=Decimal("100.00"), reason="goodwill", idempotency_key="rk-3")
    refund_submit(refund_id=refund.id)  # a task retried after a worker crash
    refund_create(order_id=order.id, amount=Decimal("100.00"), reason="goodwill", idempotency_key="rk-3")
    assert len(fake_http.sent("POST", "/v1/payments/pay_1/refund")) == 1
    assert Refund.objects.count() == 1


# ---------------------------------------------------------------- stripe


def _stripe_order(api, headers, event, fake_http) -> Order:
    intent = {
        "id": "pi_1",
        "object": "payment_intent",
        "client_secret": "pi_1_secret_x",
        "status": "requires_payment_method",
    }
    fake_http.route("POST", STRIPE, "/v1/payment_intents", (200, intent))
    r = buy(api, headers, event, provider="stripe")
    assert r.status_code == 200, r.text
    return Order.objects.get(id=r.json()["data"]["id"])


def test_stripe_checkout_gives_the_client_secret(api, paid_event, buyer_headers, stripe_keys, fake_http):
    order = _stripe_order(api, buyer_headers, paid_event, fake_http)
    assert order.checkout == {
        "payment_intent_id": "pi_1",
        "client_secret": "pi_1_secret_x",
        "publishable_key": "pk_test_123",
    }
    request = fake_http.sent("POST", "/v1/payment_intents")[0]
    assert request.headers["Idempotency-Key"] == f"order-{order.id}"
    form = parse_qs(request.body if isinstance(request.body, str) else request.body.decode())
    assert (form["amount"], form["currency"]) == (["54890"], ["inr"])


def test_stripe_succeeded_webhook_pays_the_order(api, paid_event, buyer_headers, stripe_keys, fake_http):
    order = _stripe_order(api, buyer_headers, paid_event, fake_http)
    body = json.dumps(
        {
            "id": "evt_s1",
            "type": "payment_intent.succeeded",
            "data": {"object": {"id": "pi_1", "amount_received": 54890, "currency": "inr"}},
        }
    ).encode()
    r = api.post(
        "/api/payments/webhooks/stripe",
        content=body,
        headers={"Stripe-Signature": stripe_signature(body, "whsec_test_123")},
    )
    assert r.status_code == 200
    order.refresh_from_db()
    assert order.status == "paid"


def test_stripe_stale_webhook_is_refused_over_http(api, paid_event, buyer_headers, stripe_keys, fake_http):
    _stripe_order(api, buyer_headers, paid_event, fake_http)
    body = json.dumps({"id": "evt_s2", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_1"}}}).encode()
    header = stripe_signature(body, "whsec_test_123", timestamp=int(time.time()) - 600)
    r = api.post("/api/payments/webhooks/stripe", content=body, headers={"Stripe-Signature": header})
    assert (r.status_code, r.json()["error_code"]) == (400, "INVALID_SIGNATURE")


def test_stripe_verify_asks_stripe(api, paid_event, buyer_headers, stripe_keys, fake_http):
    order = _stripe_order(api, buyer_headers, paid_event, fake_http)
    fake_http.route(
        "GET",
        STRIPE,
        "/v1/payment_intents/pi_1",
        (200, {"id": "pi_1", "status": "succeeded", "amount_received": 54890, "currency": "inr"}),
    )
    r = api.post(f"/api/v2/payments/orders/{order.id}/verify", json={}, headers=buyer_headers)
    assert r.json()["data"]["status"] == "paid"


def test_stripe_refund_carries_the_idempotency_key(api, paid_event, buyer_headers, stripe_keys, fake_http):
    order = _stripe_order(api, buyer_headers, paid_event, fake_http)
    fake_http.route(
        "GET",
        STRIPE,
        "/v1/payment_intents/pi_1",
        (200, {"id": "pi_1", "status": "succeeded", "amount_received": 54890, "currency": "inr"}),
    )
    api.post(f"/api/v2/payments/orders/{order.id}/verify", json={}, headers=buyer_headers)
    fake_http.route("POST", STRIPE, "/v1/refunds", (200, {"id": "re_1", "object": "refund", "status": "succeeded"}))
    refund = refund_create(order_id=order.id, reason="staff_refund", idempotency_key="sk-1")
    refund.refresh_from_db()
    assert (refund.status, refund.provider_refund_id) == ("processed", "re_1")
    assert fake_http.sent("POST", "/v1/refunds")[0].headers["Idempotency-Key"] == "sk-1"


# ---------------------------------------------------------------- payu


def test_payu_checkout_fields_carry_a_valid_hash(api, paid_event, buyer_headers, payu_keys):
    r = buy(api, buyer_headers, paid_event, provider="payu")
    checkout = r.json()["data"]["checkout"]
    fields = checkout["fields"]
    assert checkout["action"] == "https://test.payu.in/_payment"
    assert (fields["amount"], fields["key"]) == ("548.90", "payukey")
    assert fields["hash"] == request_hash(fields, "payusalt")


def test_payu_success_callback_pays_the_order(api, paid_event, buyer_headers, payu_keys):
    fields = buy(api, buyer_headers, paid_event, provider="payu").json()["data"]["checkout"]["fields"]
    callback = {k: fields[k] for k in ("key", "txnid", "amount", "productinfo", "firstname", "email")}
    callback.update({"status": "success", "mihpayid": "4039937"})
    callback["hash"] = reverse_hash(callback, "payusalt")
    r = api.post(
        "/api/payments/webhooks/payu",
        content=urlencode(callback).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 200, r.text
    order = Order.objects.get()
    assert (order.status, order.provider_payment_id) == ("paid", "4039937")


def test_payu_reconciliation_asks_verify_payment(api, paid_event, buyer_headers, payu_keys, fake_http):
    order_id = buy(api, buyer_headers, paid_event, provider="payu").json()["data"]["id"]
    order = Order.objects.get(id=order_id)
    Order.objects.filter(id=order.id).update(created_at=timezone.now() - timedelta(minutes=20))
    details = {order.provider_order_id: {"status": "success", "mihpayid": "777", "amt": "548.90"}}
    fake_http.route(
        "POST", "test.payu.in", "/merchant/postservice.php", (200, {"status": 1, "transaction_details": details})
    )
    assert reconcile_orders()["paid"] == 1
    order.refresh_from_db()
    assert order.status == "paid"
    form = parse_qs(fake_http.sent("POST", "/merchant/postservice.php")[0].body)
    assert (form["command"], form["var1"]) == (["verify_payment"], [order.provider_order_id])


def test_reconciliation_resends_a_refund_that_never_reached_the_provider(
    api, paid_event, buyer_headers, razorpay_keys, fake_http
):
    order = _paid_rzp_order(api, buyer_headers, paid_event, fake_http)
    # The provider is down when the refund is first sent: the task gives up for now, the refund stays pending.
    fake_http.route("POST", RZP, "/v1/payments/pay_1/refund", (503, {"error": {"code": "SERVER_ERROR"}}))
    refund = refund_create(order_id=order.id, amount=Decimal("100.00"), reason="goodwill", idempotency_key="rk-lost")
    refund.refresh_from_db()
    assert (refund.status, refund.provider_refund_id) == ("pending", "")
    Refund.objects.filter(id=refund.id).update(created_at=timezone.now() - timedelta(minutes=30))
    fake_http.route("POST", RZP, "/v1/payments/pay_1/refund", (200, {"id": "rfnd_9", "status": "processed"}))
    assert reconcile_orders()["refunds_resent"] == 1
    refund.refresh_from_db()
    assert (refund.status, refund.provider_refund_id) == ("processed", "rfnd_9")
