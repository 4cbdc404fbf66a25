"""Payments triggers through the payments domain: paid, failed, refunded, payout decided."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loopin.accounts.models import User
from loopin.events.models import Event
from loopin.notifications.models import Notification
from loopin.notifications.tests.conftest import types_by_user
from loopin.payments.models import Order
from loopin.payments.payouts import bank_account_create, payout_decide, payout_request_create
from loopin.payments.tests.helpers import buy, sandbox_webhook
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for


@pytest.fixture
def host(api):
    return UserWithProfileFactory(name="Asha Rao")


@pytest.fixture
def paid_event(host):
    return PublishedEventFactory(
        host=host, title="Jazz Night", is_paid=True, ticket_price=Decimal("499.00"), capacity=10
    )


@pytest.fixture
def buyer(api):
    return UserWithProfileFactory()


def _order(api, buyer, event):
    r = buy(api, token_for(buyer), event)
    assert r.status_code == 200, r.text
    return Order.objects.get(id=r.json()["data"]["id"])


def test_a_payment_tells_the_buyer_it_was_received_and_confirms_the_ticket(api, host, paid_event, buyer):
    order = _order(api, buyer, paid_event)
    assert sandbox_webhook(api, order).status_code == 200
    assert {k: sorted(v) for k, v in types_by_user().items()} == {buyer.id: ["payment.succeeded", "ticket.confirmed"]}
    paid = Notification.objects.get(type="payment.succeeded")
    assert (paid.title, paid.body) == ("Payment received", f"We received INR {order.total} for Jazz Night.")
    assert (paid.object_type, paid.object_id) == ("order", str(order.id))


def test_a_failed_payment_tells_the_buyer_only(api, paid_event, buyer):
    order = _order(api, buyer, paid_event)
    assert sandbox_webhook(api, order, "payment.failed").status_code == 200
    assert types_by_user() == {buyer.id: ["payment.failed"]}


def test_a_cancelled_paid_event_tells_the_buyer_and_then_the_refund(api, host, paid_event, buyer):
    order = _order(api, buyer, paid_event)
    sandbox_webhook(api, order)
    Notification.objects.all().delete()
    r = api.post(f"/api/v2/events/{paid_event.id}/cancel", json={"reason": "Venue closed"}, headers=token_for(host))
    assert r.status_code == 200
    assert {k: sorted(v) for k, v in types_by_user().items()} == {buyer.id: ["event.cancelled", "refund.processed"]}
    refund = Notification.objects.get(type="refund.processed")
    order.refresh_from_db()
    assert refund.body == f"INR {order.amount_refunded} for Jazz Night is on its way back to you."


def test_a_payout_decision_tells_the_host(api, host, paid_event, buyer):

    sandbox_webhook(api, _order(api, buyer, paid_event))
    Event.objects.filter(id=paid_event.id).update(
        start_at=timezone.now() - timedelta(hours=5), end_at=timezone.now() - timedelta(hours=3)
    )
    account = bank_account_create(
        user=host, holder_name="Asha Rao", bank_name="HDFC", ifsc="HDFC0001234", account_number="123456789012"
    )
    payout = payout_request_create(host=host, event_id=paid_event.id, bank_account_id=account.id)
    Notification.objects.all().delete()
    staff = User.objects.create_superuser(phone_number="+919999999999", password="a-long-admin-password")
    payout_decide(staff=staff, payout_id=payout.id, target="approved")
    assert types_by_user() == {host.id: ["payout.status_changed"]}
    n = Notification.objects.get()
    assert (n.title, n.body) == ("Payout approved", f"Your payout of INR {payout.amount:.2f} is now approved.")
