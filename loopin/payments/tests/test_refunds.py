"""Refunds: attendee cancellation and its cut-off, event cancellation, staff refunds, idempotency, webhooks."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loopin.core.errors import BusinessRuleError
from loopin.events.models import Event
from loopin.events.services import event_transition
from loopin.payments.models import Order, Refund
from loopin.payments.services import cancelled_events_sweep, refund_create
from loopin.payments.tests.helpers import buy, sandbox_webhook
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for
from loopin.tickets.models import Ticket


def _paid_order(api, headers, event) -> Order:
    order = Order.objects.get(id=buy(api, headers, event).json()["data"]["id"])
    sandbox_webhook(api, order)
    order.refresh_from_db()
    assert order.status == "paid"
    return order


def test_attendee_cancel_refunds_the_ticket_price_and_keeps_the_fee(api, paid_event, buyer_headers):
    order = _paid_order(api, buyer_headers, paid_event)
    r = api.post(f"/api/v2/payments/orders/{order.id}/cancel", headers=buyer_headers)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert (data["status"], data["amount_refunded"]) == ("partially_refunded", "499.00")
    # Said plainly: everything but the platform fee came back, and how much the fee was.
    assert (data["refund_state"], data["fee_kept"]) == ("refunded_except_fee", "49.90")
    assert [(x["amount"], x["status"]) for x in data["refunds"]] == [("499.00", "processed")]
    assert Ticket.objects.get(id=order.ticket_id).status == "refunded"
    paid_event.refresh_from_db()
    assert (paid_event.seats_taken, paid_event.going_count) == (0, 0)


def test_attendee_cancel_refunds_the_fee_too_when_configured(api, paid_event, buyer_headers, app_settings):
    app_settings.REFUND_PLATFORM_FEE = True
    order = _paid_order(api, buyer_headers, paid_event)
    data = api.post(f"/api/v2/payments/orders/{order.id}/cancel", headers=buyer_headers).json()["data"]
    assert (data["status"], data["amount_refunded"]) == ("refunded", "548.90")


def test_attendee_cancel_after_the_cutoff_is_refused(api, paid_event, buyer_headers):
    order = _paid_order(api, buyer_headers, paid_event)
    Event.objects.filter(id=paid_event.id).update(
        start_at=timezone.now() + timedelta(hours=23), end_at=timezone.now() + timedelta(hours=25)
    )
    r = api.post(f"/api/v2/payments/orders/{order.id}/cancel", headers=buyer_headers)
    assert (r.status_code, r.json()["error_code"]) == (400, "REFUND_WINDOW_CLOSED")
    assert Ticket.objects.get(id=order.ticket_id).status == "valid"
    assert Refund.objects.count() == 0


def test_cancelling_twice_refunds_once(api, paid_event, buyer_headers):
    order = _paid_order(api, buyer_headers, paid_event)
    api.post(f"/api/v2/payments/orders/{order.id}/cancel", headers=buyer_headers)
    r = api.post(f"/api/v2/payments/orders/{order.id}/cancel", headers=buyer_headers)
    assert (r.status_code, r.json()["error_code"]) == (400, "ORDER_NOT_CANCELLABLE")
    assert Refund.objects.count() == 1


def test_the_free_cancel_path_refuses_a_paid_ticket(api, paid_event, buyer_headers):
    _paid_order(api, buyer_headers, paid_event)
    r = api.delete(f"/api/v2/events/{paid_event.id}/attendance", headers=buyer_headers)
    assert r.json()["error_code"] == "PAID_TICKET"


def test_a_cancelled_event_refunds_every_paid_order_in_full(api, paid_event, buyer_headers, interests):
    first = _paid_order(api, buyer_headers, paid_event)
    second = _paid_order(api, token_for(UserWithProfileFactory()), paid_event)
    pending = Order.objects.get(id=buy(api, token_for(UserWithProfileFactory()), paid_event).json()["data"]["id"])
    host = Event.objects.get(id=paid_event.id).host
    event_transition(actor=host, event_id=paid_event.id, target="cancelled", reason="venue flooded")
    for order in (first, second):
        order.refresh_from_db()
        assert (order.status, order.amount_refunded) == ("refunded", Decimal("548.90"))
        assert Ticket.objects.get(id=order.ticket_id).status == "refunded"
    pending.refresh_from_db()
    assert (pending.status, pending.seats_held) == ("expired", False)
    paid_event.refresh_from_db()
    assert (paid_event.seats_taken, paid_event.going_count) == (0, 0)


def test_a_payment_arriving_after_the_event_was_cancelled_is_refunded(api, paid_event, buyer_headers):
    order = Order.objects.get(id=buy(api, buyer_headers, paid_event).json()["data"]["id"])
    host = Event.objects.get(id=paid_event.id).host
    event_transition(actor=host, event_id=paid_event.id, target="cancelled", reason="")
    sandbox_webhook(api, order)
    order.refresh_from_db()
    assert (order.status, order.ticket_id, order.amount_refunded) == ("refunded", None, Decimal("548.90"))


def test_staff_partial_refund_keeps_the_ticket(api, paid_event, buyer_headers):
    order = _paid_order(api, buyer_headers, paid_event)
    refund_create(order_id=order.id, amount=Decimal("100.00"), reason="goodwill", idempotency_key="staff:1")
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("partially_refunded", Decimal("100.00"))
    assert Ticket.objects.get(id=order.ticket_id).status == "valid"


def test_staff_full_refund_voids_the_ticket(api, paid_event, buyer_headers):
    order = _paid_order(api, buyer_headers, paid_event)
    refund_create(order_id=order.id, reason="staff_refund")
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("refunded", Decimal("548.90"))
    assert Ticket.objects.get(id=order.ticket_id).status == "refunded"


def test_a_refund_beyond_what_is_left_is_refused(api, paid_event, buyer_headers):
    order = _paid_order(api, buyer_headers, paid_event)
    refund_create(order_id=order.id, amount=Decimal("500.00"), reason="goodwill")
    with pytest.raises(BusinessRuleError) as exc:
        refund_create(order_id=order.id, amount=Decimal("50.00"), reason="goodwill")
    assert exc.value.code == "REFUND_TOO_LARGE"


def test_a_retried_refund_with_the_same_key_pays_once(api, paid_event, buyer_headers):
    order = _paid_order(api, buyer_headers, paid_event)
    first = refund_create(order_id=order.id, amount=Decimal("50.00"), reason="goodwill", idempotency_key="k-1")
    again = refund_create(order_id=order.id, amount=Decimal("50.00"), reason="goodwill", idempotency_key="k-1")
    assert first.id == again.id
    order.refresh_from_db()
    assert order.amount_refunded == Decimal("50.00")


def test_the_sweep_refunds_a_cancelled_event_whose_signal_was_lost(api, paid_event, buyer_headers):
    order = _paid_order(api, buyer_headers, paid_event)
    Event.objects.filter(id=paid_event.id).update(status="cancelled")  # cancelled without the payments receiver
    assert cancelled_events_sweep() == 1
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("refunded", Decimal("548.90"))
    assert cancelled_events_sweep() == 0
