"""Tickets paid with credits in the existing order flow; their refunds come back as credits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loopin.looppay.ledger import sales_account
from loopin.looppay.selectors import credit_balance
from loopin.looppay.tests.conftest import give_credit
from loopin.payments.models import Order, Refund
from loopin.testing.factories import PublishedEventFactory
from loopin.testing.fixtures import token_for
from loopin.tickets.models import Ticket


@pytest.fixture
def paid_event(interests):
    return PublishedEventFactory(is_paid=True, ticket_price=Decimal("499.00"), capacity=10)


def _open_order(api, headers, event) -> Order:
    r = api.post("/api/v2/payments/orders", json={"event_id": str(event.id)}, headers=headers)
    assert r.status_code == 200, r.text
    return Order.objects.get(id=r.json()["data"]["id"])


def test_a_pending_order_paid_with_credits_issues_the_ticket_once(api, person, paid_event):
    headers = token_for(person)
    order = _open_order(api, headers, paid_event)
    give_credit(person, "1000.00")
    r = api.post(f"/api/v2/looppay/orders/{order.id}/pay", headers=headers)
    again = api.post(f"/api/v2/looppay/orders/{order.id}/pay", headers=headers)
    assert (r.status_code, r.json()["data"]["status"], again.status_code) == (200, "paid", 200)
    order.refresh_from_db()
    assert order.provider_payment_id.startswith("looppay:")
    assert Ticket.objects.filter(event=paid_event, user=person, status="valid").count() == 1
    assert credit_balance(person) == Decimal("1000.00") - order.total
    assert sales_account("tickets").balance == order.total


def test_too_few_credits_leave_the_order_pending_and_the_balance_whole(api, person, paid_event):
    headers = token_for(person)
    order = _open_order(api, headers, paid_event)
    give_credit(person, "100.00")
    r = api.post(f"/api/v2/looppay/orders/{order.id}/pay", headers=headers)
    assert (r.status_code, r.json()["error_code"]) == (409, "INSUFFICIENT_CREDITS")
    order.refresh_from_db()
    assert (order.status, order.seats_held) == ("pending", True)
    assert credit_balance(person) == Decimal("100.00")


def test_cancelling_a_credit_paid_ticket_returns_credits_not_a_card_refund(api, person, paid_event):
    headers = token_for(person)
    order = _open_order(api, headers, paid_event)
    give_credit(person, "1000.00")
    api.post(f"/api/v2/looppay/orders/{order.id}/pay", headers=headers)
    r = api.post(f"/api/v2/payments/orders/{order.id}/cancel", headers=headers)
    assert r.status_code == 200, r.text
    order.refresh_from_db()
    refund = Refund.objects.get(order=order)
    assert (refund.status, refund.provider_refund_id.startswith("looppay:")) == ("processed", True)
    # The attendee's refund keeps the platform fee (REFUND_PLATFORM_FEE off): the ticket price comes back.
    assert credit_balance(person) == Decimal("1000.00") - order.total + refund.amount
    assert refund.amount == order.host_earning
