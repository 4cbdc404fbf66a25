"""Webhooks and confirmation: stored once, processed once, forward-only, late payments, verify."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loopin.audit.models import AuditEntry
from loopin.config.celery import app
from loopin.payments.models import Order, PaymentEvent
from loopin.payments.providers.base import hmac_sha256_hex
from loopin.payments.providers.sandbox import sandbox_client_signature, sandbox_event, sandbox_secret
from loopin.payments.signals import payment_succeeded
from loopin.payments.tasks import reconcile_orders
from loopin.payments.tests.helpers import buy, sandbox_webhook
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for
from loopin.testing.processes import free_port
from loopin.tickets.models import Ticket


def _order(api, headers, event) -> Order:
    r = buy(api, headers, event)
    assert r.status_code == 200, r.text
    return Order.objects.get(id=r.json()["data"]["id"])


def test_a_paid_webhook_issues_the_ticket_and_consumes_the_hold(api, paid_event, buyer_headers, buyer):
    order = _order(api, buyer_headers, paid_event)
    r = sandbox_webhook(api, order)
    assert (r.status_code, r.json()["data"]["duplicate"]) == (200, False)
    order.refresh_from_db()
    assert (order.status, order.seats_held) == ("paid", False)
    ticket = Ticket.objects.get(id=order.ticket_id)
    assert (ticket.user_id, ticket.source, ticket.status) == (buyer.id, "purchase", "valid")
    paid_event.refresh_from_db()
    assert (paid_event.seats_taken, paid_event.going_count) == (1, 1)
    assert AuditEntry.objects.filter(action="order.paid", object_id=str(order.id)).count() == 1


def test_the_ticket_shows_in_my_tickets(api, paid_event, buyer_headers):
    order = _order(api, buyer_headers, paid_event)
    sandbox_webhook(api, order)
    tickets = api.get("/api/v2/me/tickets", headers=buyer_headers).json()
    assert [t["event_id"] for t in tickets["data"]] == [str(paid_event.id)]


def test_the_same_webhook_ten_times_gives_one_ticket(api, paid_event, buyer_headers):
    order = _order(api, buyer_headers, paid_event)
    body, headers = sandbox_event(order, "payment.succeeded")
    answers = [api.post("/api/payments/webhooks/sandbox", content=body, headers=headers) for _ in range(10)]
    assert [a.status_code for a in answers] == [200] * 10
    assert [a.json()["data"]["duplicate"] for a in answers] == [False] + [True] * 9
    assert PaymentEvent.objects.count() == 1
    assert Ticket.objects.filter(event=paid_event).count() == 1
    paid_event.refresh_from_db()
    assert paid_event.seats_taken == 1


def test_two_different_paid_events_for_one_order_give_one_ticket(api, paid_event, buyer_headers):
    order = _order(api, buyer_headers, paid_event)
    sandbox_webhook(api, order, payment_id="pay_a")
    sandbox_webhook(api, order, payment_id="pay_b")
    assert PaymentEvent.objects.count() == 2
    assert Ticket.objects.filter(event=paid_event).count() == 1
    order.refresh_from_db()
    assert order.provider_payment_id == "pay_a"


def test_a_forged_webhook_is_refused_and_nothing_is_stored(api, paid_event, buyer_headers):
    order = _order(api, buyer_headers, paid_event)
    body, headers = sandbox_event(order, "payment.succeeded")
    r = api.post("/api/payments/webhooks/sandbox", content=body, headers={**headers, "X-Sandbox-Signature": "0" * 64})
    assert (r.status_code, r.json()["error_code"]) == (400, "INVALID_SIGNATURE")
    assert PaymentEvent.objects.count() == 0
    order.refresh_from_db()
    assert order.status == "pending"


def test_a_tampered_webhook_body_is_refused(api, paid_event, buyer_headers):
    order = _order(api, buyer_headers, paid_event)
    body, headers = sandbox_event(order, "payment.failed")
    tampered = body.replace(b"payment.failed", b"payment.succeeded")
    r = api.post("/api/payments/webhooks/sandbox", content=tampered, headers=headers)
    assert r.status_code == 400
    assert Ticket.objects.count() == 0


def test_a_webhook_for_an_unknown_provider_is_refused(api):
    r = api.post("/api/payments/webhooks/paypal", content=b"{}")
    assert (r.status_code, r.json()["error_code"]) == (400, "PROVIDER_UNAVAILABLE")


def test_a_failed_payment_releases_the_hold(api, paid_event, buyer_headers):
    order = _order(api, buyer_headers, paid_event)
    sandbox_webhook(api, order, "payment.failed")
    order.refresh_from_db()
    assert (order.status, order.seats_held) == ("failed", False)
    paid_event.refresh_from_db()
    assert paid_event.seats_taken == 0


def test_a_late_failure_after_success_changes_nothing(api, paid_event, buyer_headers):
    order = _order(api, buyer_headers, paid_event)
    sandbox_webhook(api, order, "payment.succeeded")
    sandbox_webhook(api, order, "payment.failed")
    order.refresh_from_db()
    assert order.status == "paid"
    assert PaymentEvent.objects.get(kind="payment.failed").result == "ignored: not pending"
    paid_event.refresh_from_db()
    assert paid_event.seats_taken == 1


def test_success_arriving_after_a_failure_still_fulfils(api, paid_event, buyer_headers):
    order = _order(api, buyer_headers, paid_event)
    sandbox_webhook(api, order, "payment.failed")
    sandbox_webhook(api, order, "payment.succeeded")
    order.refresh_from_db()
    assert (order.status, order.ticket_id is not None) == ("paid", True)
    paid_event.refresh_from_db()
    assert paid_event.seats_taken == 1


def test_late_payment_after_expiry_is_fulfilled_when_seats_remain(api, paid_event, buyer_headers):
    order = _order(api, buyer_headers, paid_event)
    Order.objects.filter(id=order.id).update(hold_expires_at=timezone.now() - timedelta(minutes=1))
    api.get(f"/api/v2/payments/orders/{order.id}", headers=buyer_headers)  # expires it
    sandbox_webhook(api, order)
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("paid", Decimal("0.00"))
    assert Ticket.objects.filter(id=order.ticket_id, status="valid").exists()
    paid_event.refresh_from_db()
    assert paid_event.seats_taken == 1


def test_late_payment_after_expiry_is_refunded_when_sold_out(api, interests):
    event = PublishedEventFactory(is_paid=True, ticket_price=Decimal("100.00"), capacity=1)
    late_headers = token_for(UserWithProfileFactory())
    late = _order(api, late_headers, event)
    Order.objects.filter(id=late.id).update(hold_expires_at=timezone.now() - timedelta(minutes=1))
    winner = _order(api, token_for(UserWithProfileFactory()), event)  # takes the freed seat
    sandbox_webhook(api, winner)
    sandbox_webhook(api, late)
    late.refresh_from_db()
    assert (late.status, late.ticket_id, late.amount_refunded) == ("refunded", None, Decimal("110.00"))
    refund = late.refunds.get()
    assert (refund.reason, refund.status, refund.amount) == ("no_seat_for_late_payment", "processed", Decimal("110.00"))
    event.refresh_from_db()
    assert event.seats_taken == 1
    assert Ticket.objects.filter(event=event, status="valid").count() == 1


def test_a_payment_of_the_wrong_amount_is_not_fulfilled(api, paid_event, buyer_headers):
    order = _order(api, buyer_headers, paid_event)
    body, headers = sandbox_event(order, "payment.succeeded")
    payload = json.loads(body)
    payload["data"]["amount"] = 100

    forged_amount = json.dumps(payload).encode()
    headers = {**headers, "X-Sandbox-Signature": hmac_sha256_hex(sandbox_secret(), forged_amount)}
    api.post("/api/payments/webhooks/sandbox", content=forged_amount, headers=headers)
    order.refresh_from_db()
    assert (order.status, order.ticket_id) == ("pending", None)
    assert AuditEntry.objects.filter(action="order.amount_mismatch", object_id=str(order.id)).exists()


def test_verify_with_a_valid_signature_pays_the_order(api, paid_event, buyer_headers):
    order = _order(api, buyer_headers, paid_event)
    signature = sandbox_client_signature(order.provider_order_id, "sbx_pay_v")
    r = api.post(
        f"/api/v2/payments/orders/{order.id}/verify",
        json={"payment_id": "sbx_pay_v", "signature": signature},
        headers=buyer_headers,
    )
    assert (r.status_code, r.json()["data"]["status"]) == (200, "paid")
    assert r.json()["data"]["ticket_id"] is not None


def test_verify_with_a_forged_signature_is_refused(api, paid_event, buyer_headers):
    order = _order(api, buyer_headers, paid_event)
    r = api.post(
        f"/api/v2/payments/orders/{order.id}/verify",
        json={"payment_id": "sbx_pay_v", "signature": "f" * 64},
        headers=buyer_headers,
    )
    assert (r.status_code, r.json()["error_code"]) == (400, "INVALID_SIGNATURE")
    order.refresh_from_db()
    assert order.status == "pending"


def test_verify_then_webhook_gives_one_ticket(api, paid_event, buyer_headers):
    order = _order(api, buyer_headers, paid_event)
    signature = sandbox_client_signature(order.provider_order_id, "sbx_pay_v")
    api.post(
        f"/api/v2/payments/orders/{order.id}/verify",
        json={"payment_id": "sbx_pay_v", "signature": signature},
        headers=buyer_headers,
    )
    sandbox_webhook(api, order, payment_id="sbx_pay_v")
    assert Ticket.objects.filter(event=paid_event).count() == 1
    assert PaymentEvent.objects.get().result == "order paid"


def test_the_checkout_pages_pay_button_sends_a_valid_webhook(api, paid_event, buyer_headers):
    order = _order(api, buyer_headers, paid_event)
    page = api.get(order.checkout["checkout_url"]).text
    events = json.loads(re.search(r'<script id="sandbox-events" type="application/json">(.*?)</script>', page).group(1))
    r = api.post(
        "/api/payments/webhooks/sandbox",
        content=events["pay"]["body"].encode(),
        headers={"Content-Type": "application/json", "X-Sandbox-Signature": events["pay"]["signature"]},
    )
    assert r.status_code == 200
    order.refresh_from_db()
    assert order.status == "paid"


def test_payment_signals_fire_after_commit(api, paid_event, buyer_headers):
    seen = []

    def receiver(sender, order_id, **kwargs):
        seen.append(order_id)

    payment_succeeded.connect(receiver)
    try:
        order = _order(api, buyer_headers, paid_event)
        sandbox_webhook(api, order)
        sandbox_webhook(api, order)
    finally:
        payment_succeeded.disconnect(receiver)
    assert seen == [order.id]


def test_a_stored_webhook_whose_task_was_lost_is_applied_by_reconciliation(api, paid_event, buyer_headers):
    order = _order(api, buyer_headers, paid_event)
    # Stored by the webhook endpoint, but its task never ran (a broker dropped the message).
    PaymentEvent.objects.create(
        provider="sandbox",
        event_id="evt_sbx_lost",
        kind="payment.succeeded",
        order=order,
        parsed={
            "payment_id": "sbx_pay_lost",
            "amount": 54890,
            "currency": "INR",
            "reason": "",
            "refund_id": "",
            "refund_key": "",
        },
    )
    PaymentEvent.objects.update(received_at=timezone.now() - timedelta(minutes=5))
    assert reconcile_orders()["webhooks_applied"] == 1
    order.refresh_from_db()
    assert order.status == "paid"


@pytest.fixture
def broker_down() -> Iterator[None]:
    """Celery publishes to a Redis nobody listens on (a real connection refused), as in an outage."""
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "broker_transport")}
    pools = app._pool, app.amqp._producer_pool
    app.conf.update(task_always_eager=False, broker_url=f"redis://127.0.0.1:{free_port()}/0", broker_transport=None)
    app._pool = app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.update(saved)
        app._pool, app.amqp._producer_pool = pools


def test_a_webhook_stored_during_a_broker_outage_is_acknowledged_and_its_retry_applied(
    api, paid_event, buyer_headers, broker_down
):
    order = _order(api, buyer_headers, paid_event)
    body, headers = sandbox_event(order, "payment.succeeded")
    r = api.post("/api/payments/webhooks/sandbox", content=body, headers=headers)
    # Stored, so answered 200 (the provider must not give up on it), and left for the sweeper.
    assert (r.status_code, r.json()["data"]["duplicate"]) == (200, False)
    event = PaymentEvent.objects.get()
    assert event.processed_at is None
    order.refresh_from_db()
    assert order.status == "pending"

    # Still down: the provider's retry is acknowledged once more, and still stored once.
    assert api.post("/api/payments/webhooks/sandbox", content=body, headers=headers).json()["data"]["duplicate"]
    assert PaymentEvent.objects.count() == 1


def test_the_retry_of_a_stored_unprocessed_webhook_is_applied(api, paid_event, buyer_headers):
    order = _order(api, buyer_headers, paid_event)
    body, headers = sandbox_event(order, "payment.succeeded")
    note = json.loads(body)
    # Stored by an earlier delivery whose processing was never queued (the broker was away).
    PaymentEvent.objects.create(
        provider="sandbox",
        event_id=note["id"],
        kind="payment.succeeded",
        order=order,
        payload=note,
        parsed={
            "payment_id": note["data"]["payment_id"],
            "amount": note["data"]["amount"],
            "currency": "INR",
            "reason": "",
            "refund_id": "",
            "refund_key": "",
        },
    )
    r = api.post("/api/payments/webhooks/sandbox", content=body, headers=headers)
    assert (r.status_code, r.json()["data"]["duplicate"]) == (200, True)
    order.refresh_from_db()
    assert order.status == "paid"
    assert PaymentEvent.objects.get().result == "order paid"
