"""Payments' part in account deletion and export, and the event-cancelled receiver."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from loopin.core import hooks
from loopin.events.models import Event
from loopin.payments.models import BankAccount, Order, PaymentEvent
from loopin.payments.payouts import bank_account_create
from loopin.payments.tests.helpers import buy, sandbox_webhook
from loopin.testing.fixtures import last_code
from loopin.tickets.models import Ticket


def _paid(api, headers, event) -> Order:
    order = Order.objects.get(id=buy(api, headers, event).json()["data"]["id"])
    sandbox_webhook(api, order)
    order.refresh_from_db()
    return order


def test_hooks_are_registered(db):
    assert "payments.orders" in hooks.erasure_steps()
    assert "payments" in hooks.export_sections()


def test_deleting_an_account_refunds_future_paid_tickets_and_keeps_the_order(api, paid_event, buyer, buyer_headers):
    order = _paid(api, buyer_headers, paid_event)
    assert api.post("/api/v2/me/delete-otp", headers=buyer_headers).status_code == 200
    r = api.request("DELETE", "/api/v2/me", json={"otp_code": last_code(buyer.phone_number)}, headers=buyer_headers)
    assert r.status_code == 200, r.text
    order.refresh_from_db()
    assert (order.status, order.amount_refunded, order.user_id) == ("partially_refunded", Decimal("499.00"), buyer.id)
    assert Ticket.objects.get(id=order.ticket_id).status == "refunded"
    paid_event.refresh_from_db()
    assert paid_event.seats_taken == 0


def test_erasure_after_the_cutoff_voids_the_ticket_without_a_refund(api, paid_event, buyer, buyer_headers):
    order = _paid(api, buyer_headers, paid_event)
    Event.objects.filter(id=paid_event.id).update(
        start_at=timezone.now() + timedelta(hours=2), end_at=timezone.now() + timedelta(hours=4)
    )
    with transaction.atomic():
        hooks.erasure_steps()["payments.orders"](buyer)
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("paid", Decimal("0.00"))
    assert Ticket.objects.get(id=order.ticket_id).status == "cancelled"


def test_erasure_releases_a_held_order(api, paid_event, buyer, buyer_headers):
    order_id = buy(api, buyer_headers, paid_event).json()["data"]["id"]
    with transaction.atomic():
        hooks.erasure_steps()["payments.orders"](buyer)
    assert Order.objects.get(id=order_id).status == "expired"
    paid_event.refresh_from_db()
    assert paid_event.seats_taken == 0


def test_erasure_empties_bank_accounts(api, buyer):
    account = bank_account_create(
        user=buyer, holder_name="Asha Rao", bank_name="SBI", ifsc="SBIN0000001", account_number="12345678901"
    )
    with transaction.atomic():
        hooks.erasure_steps()["payments.orders"](buyer)
    account = BankAccount.objects.get(id=account.id)
    assert (account.holder_name, account.account_number_encrypted, account.removed_at is not None) == ("", "", True)


def test_export_lists_orders_refunds_and_accounts(api, paid_event, buyer, buyer_headers):
    order = _paid(api, buyer_headers, paid_event)
    api.post(f"/api/v2/payments/orders/{order.id}/cancel", headers=buyer_headers)
    bank_account_create(
        user=buyer, holder_name="Asha Rao", bank_name="SBI", ifsc="SBIN0000001", account_number="12345678901"
    )
    data = hooks.export_sections()["payments"](buyer)
    assert [(o["id"], o["total"], o["amount_refunded"]) for o in data["orders"]] == [
        (str(order.id), "548.90", "499.00")
    ]
    assert [(r["amount"], r["reason"]) for r in data["refunds"]] == [("499.00", "attendee_cancelled")]
    assert [a["account_number"] for a in data["bank_accounts"]] == ["XXXX8901"]
    assert data["payouts"] == []


def test_the_export_endpoint_has_a_payments_section(api, paid_event, buyer_headers):
    _paid(api, buyer_headers, paid_event)
    r = api.get("/api/v2/me/export", headers=buyer_headers)
    assert len(r.json()["data"]["payments"]["orders"]) == 1


def test_erasure_drops_what_providers_echoed_about_the_person(api, paid_event, buyer, buyer_headers):
    order = _paid(api, buyer_headers, paid_event)
    with transaction.atomic():
        hooks.erasure_steps()["payments.orders"](buyer)
    order.refresh_from_db()
    assert order.checkout == {}
    event = PaymentEvent.objects.get(order=order)
    assert (event.payload, event.parsed["payment_id"] != "") == ({}, True)
