"""A "paid" message fulfils an order only when provider, amount and currency all match it; anything else
stays pending for staff with a reason. Signed bodies that are not JSON objects are a 400, never a 500."""

from __future__ import annotations

import json

import pytest

from loopin.audit.models import AuditEntry
from loopin.payments.models import Order, PaymentEvent
from loopin.payments.providers.base import hmac_sha256_hex
from loopin.payments.providers.sandbox import sandbox_event, sandbox_secret
from loopin.payments.services import payment_confirm
from loopin.payments.tests.helpers import buy
from loopin.testing.fixtures import superuser_client
from loopin.tickets.models import Ticket


def _order(api, headers, event) -> Order:
    r = buy(api, headers, event)
    assert r.status_code == 200, r.text
    return Order.objects.get(id=r.json()["data"]["id"])


def _signed(api, body: bytes):
    headers = {"Content-Type": "application/json", "X-Sandbox-Signature": hmac_sha256_hex(sandbox_secret(), body)}
    return api.post("/api/payments/webhooks/sandbox", content=body, headers=headers)


def _paid_webhook(api, order: Order, **data_changes):
    body, _ = sandbox_event(order, "payment.succeeded")
    payload = json.loads(body)
    for key, value in data_changes.items():
        if value is None:
            payload["data"].pop(key)
        else:
            payload["data"][key] = value
    return _signed(api, json.dumps(payload).encode())


@pytest.mark.parametrize(
    ("changes", "action", "reason"),
    [
        ({"amount": None}, "order.amount_mismatch", "amount mismatch (webhook): the provider gave no amount"),
        ({"currency": "USD"}, "order.currency_mismatch", "currency mismatch (webhook): paid in USD, expected INR"),
        ({"currency": None}, "order.currency_mismatch", "currency mismatch (webhook): the provider gave no currency"),
        ({"amount": "54890"}, "order.amount_mismatch", "amount mismatch (webhook): paid 54890 minor units"),
        ({"amount": 100}, "order.amount_mismatch", "amount mismatch (webhook): paid 100 minor units, expected 54890"),
    ],
)
def test_a_paid_webhook_that_does_not_match_the_order_leaves_it_pending_for_staff(
    api, paid_event, buyer_headers, changes, action, reason
):
    order = _order(api, buyer_headers, paid_event)
    r = _paid_webhook(api, order, **changes)
    assert r.status_code == 200
    order.refresh_from_db()
    assert (order.status, order.ticket_id, order.seats_held) == ("pending", None, True)
    assert order.review_reason.startswith(reason)
    assert PaymentEvent.objects.get().result == f"held for review: {order.review_reason}"
    assert AuditEntry.objects.filter(action=action, object_id=str(order.id)).count() == 1
    assert not Ticket.objects.filter(event=paid_event).exists()


def test_a_payment_through_another_provider_does_not_fulfil(api, paid_event, buyer_headers):
    order = _order(api, buyer_headers, paid_event)
    payment_confirm(
        order_id=order.id, payment_id="pay_x", provider="razorpay", amount_minor=54890, currency="INR", via="webhook"
    )
    order.refresh_from_db()
    assert order.status == "pending"
    assert order.review_reason == "provider mismatch (webhook): paid through razorpay, but the order is with sandbox"


def test_the_matching_payment_after_a_mismatch_still_fulfils(api, paid_event, buyer_headers):
    order = _order(api, buyer_headers, paid_event)
    _paid_webhook(api, order, currency="USD")
    _paid_webhook(api, order)
    order.refresh_from_db()
    assert order.status == "paid"
    assert Ticket.objects.filter(id=order.ticket_id, status="valid").exists()


def test_staff_find_orders_that_need_review_in_the_admin(api, paid_event, buyer_headers):
    order = _order(api, buyer_headers, paid_event)
    _paid_webhook(api, order, currency="USD")
    client, _ = superuser_client()
    page = client.get("/admin/payments/order/?needs_review=yes")
    assert page.status_code == 200
    assert str(order.id) in page.content.decode()
    assert "currency mismatch (webhook): paid in USD, expected INR" in page.content.decode()
    assert str(order.id) not in client.get("/admin/payments/order/?needs_review=no").content.decode()


@pytest.mark.parametrize(
    "body",
    [b"[]", b'"paid"', b"1", b"null", b'{"id": "evt_1", "type": "payment.succeeded", "data": []}', b"{"],
)
def test_a_signed_body_that_is_not_a_json_object_is_refused(api, paid_event, buyer_headers, body):
    _order(api, buyer_headers, paid_event)
    r = _signed(api, body)
    if body.startswith(b'{"id"'):
        # An object whose parts have the wrong type is read as carrying nothing: stored, no order matched.
        assert r.status_code == 200
        assert PaymentEvent.objects.get().result == "ignored: no order"
        return
    assert (r.status_code, r.json()["error_code"]) == (400, "INVALID_PAYLOAD")
    assert not PaymentEvent.objects.exists()
