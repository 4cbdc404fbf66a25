"""Finance in the admin: the fee, partial and full refunds, payout decisions, the sales panel."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from loopin.audit.models import AuditEntry
from loopin.events.models import Event
from loopin.payments.dashboards import sales_panel
from loopin.payments.models import FeeConfig, Order, PayoutRequest
from loopin.payments.payouts import bank_account_create, payout_request_create
from loopin.payments.tests.helpers import buy, finance_staff, sandbox_webhook
from loopin.staff.dashboards import Period
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for
from loopin.tickets.models import Ticket

ORDERS = "/admin/payments/order/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _paid(api, headers, event) -> Order:
    order = Order.objects.get(id=buy(api, headers, event).json()["data"]["id"])
    sandbox_webhook(api, order)
    order.refresh_from_db()
    return order


def test_finance_staff_refund_part_of_an_order_from_its_page(api, paid_event, buyer_headers):
    order = _paid(api, buyer_headers, paid_event)
    staff = finance_staff()
    r = _client(staff).post(
        f"{ORDERS}{order.id}/change/",
        {
            "refund_amount": "48.90",
            "refund_reason": "goodwill",
            "refunds-TOTAL_FORMS": "0",
            "refunds-INITIAL_FORMS": "0",
        },
        follow=True,
    )
    assert r.status_code == 200
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("partially_refunded", Decimal("48.90"))
    assert AuditEntry.objects.filter(action="refund.created", actor=staff).count() == 1
    assert Ticket.objects.get(id=order.ticket_id).status == "valid"


def test_finance_staff_refund_orders_in_full_from_the_list(api, paid_event, buyer_headers):
    order = _paid(api, buyer_headers, paid_event)
    r = _client(finance_staff()).post(
        ORDERS, {"action": "refund_in_full", "_selected_action": [str(order.id)]}, follow=True
    )
    assert "1 refund(s) started." in r.content.decode()
    order.refresh_from_db()
    assert order.status == "refunded"


def test_finance_staff_edit_the_fee(db):
    FeeConfig.current()
    r = _client(finance_staff()).post("/admin/payments/feeconfig/1/change/", {"fee_percent": "12.50"}, follow=True)
    assert r.status_code == 200
    assert FeeConfig.current().fee_percent == Decimal("12.50")


def test_finance_staff_complete_a_payout_with_its_reference(api, paid_event, buyer_headers):
    _paid(api, buyer_headers, paid_event)
    Event.objects.filter(id=paid_event.id).update(
        start_at=timezone.now() - timedelta(hours=3), end_at=timezone.now() - timedelta(hours=1)
    )
    host = Event.objects.get(id=paid_event.id).host
    account = bank_account_create(
        user=host, holder_name="Host", bank_name="SBI", ifsc="SBIN0000001", account_number="123456789012"
    )
    payout = payout_request_create(host=host, event_id=paid_event.id, bank_account_id=account.id)
    client = _client(finance_staff())
    page = client.get(f"/admin/payments/payoutrequest/{payout.id}/change/").content.decode()
    assert "123456789012" in page  # finance sees the decrypted number to make the transfer
    client.post(f"/admin/payments/payoutrequest/{payout.id}/change/", {"decision": "approved"})
    client.post(
        f"/admin/payments/payoutrequest/{payout.id}/change/",
        {"decision": "completed", "transaction_ref": "UTR998877", "rejection_reason": ""},
    )
    payout.refresh_from_db()
    assert (payout.status, payout.transaction_ref) == ("completed", "UTR998877")


def test_the_sales_panel_counts_paid_orders_and_revenue(api, paid_event, buyer_headers):
    _paid(api, buyer_headers, paid_event)
    _paid(api, token_for(UserWithProfileFactory()), paid_event)
    stats, sold, money = sales_panel(Period.last(7))
    assert list(stats.items) == [
        ("Tickets sold", 2),
        ("Revenue", "₹1,097.80"),
        ("Platform fees", "₹99.80"),
        ("Refunded", "₹0.00"),
    ]
    assert list(sold.series[0].values)[-1] == 2
    revenue, refunds = money.series
    assert [str(revenue.values[-1]), str(refunds.values[-1])] == ["1097.80", "0.00"]  # cents, on every database


def test_payout_requests_cannot_be_added_in_the_admin(db):
    r = _client(finance_staff()).get("/admin/payments/payoutrequest/add/")
    assert r.status_code == 403
    assert PayoutRequest.objects.count() == 0
