"""Finance refunds a sale from the orders' admin list: a confirmation page asking why, then the refund through the
service (audited); staff without `marketplace.refund_marketplaceorder` don't get the action; refusals say why."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from loopin.audit.models import AuditEntry
from loopin.looppay.selectors import credit_balance
from loopin.marketplace.models import MarketplaceOrder, OrderStatus
from loopin.marketplace.services.orders import marketplace_buy
from loopin.marketplace.tests.conftest import listing
from loopin.marketplace.tests.test_earnings import balance, handed_over, refund_staff, sold_by_credits
from loopin.testing.factories import UserWithProfileFactory

pytestmark = pytest.mark.django_db

ORDERS = "/admin/marketplace/marketplaceorder/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ask(client: Client, *orders: MarketplaceOrder):
    """The action chosen on the changelist: the confirmation page."""
    return client.post(ORDERS, {"action": "refund_sales", "_selected_action": [str(o.id) for o in orders]})


def confirm(client: Client, *orders: MarketplaceOrder, reason: str = "Item never arrived"):
    data = {"action": "refund_sales", "_selected_action": [str(o.id) for o in orders], "confirm": "yes"}
    return client.post(ORDERS, {**data, "reason": reason}, follow=True)


def viewing_staff():
    """Staff who see the orders (Support's view permission) but may not refund."""
    staff = UserWithProfileFactory(is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(content_type__app_label="marketplace", codename="view_marketplaceorder")
    )
    return type(staff).objects.get(id=staff.id)


def test_finance_sees_a_confirmation_page_and_nothing_is_refunded_yet():
    order = handed_over(sold_by_credits(UserWithProfileFactory()))
    response = ask(client_for(refund_staff()), order)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Refund these sales?" in page
    assert f'value="{order.id}"' in page
    assert "Yes, refund 1 sale(s)" in page
    assert MarketplaceOrder.objects.get(id=order.id).status == OrderStatus.COMPLETED
    assert not AuditEntry.objects.filter(action="marketplace.order_refunded").exists()


def test_confirming_with_a_reason_refunds_the_sale_once_and_audits_it():
    seller = UserWithProfileFactory()
    order = handed_over(sold_by_credits(seller))
    staff = refund_staff()
    client = client_for(staff)

    response = confirm(client, order, reason="Counterfeit")
    assert response.status_code == 200
    assert "1 sale(s) refunded." in response.content.decode()
    refunded = MarketplaceOrder.objects.get(id=order.id)
    assert (refunded.status, refunded.refund_reason) == (OrderStatus.REFUNDED, "Counterfeit")
    assert credit_balance(order.buyer) == Decimal("5000.00")
    assert balance(f"host:{seller.pk}") == Decimal("0.00")
    entry = AuditEntry.objects.get(action="marketplace.order_refunded")
    assert (entry.actor_id, entry.data["from"], entry.data["reason"]) == (staff.id, "completed", "Counterfeit")

    again = confirm(client, order, reason="Counterfeit")
    assert f"Nothing done: {refunded} was already refunded." in again.content.decode()
    assert AuditEntry.objects.filter(action="marketplace.order_refunded").count() == 1


def test_confirming_without_a_reason_shows_the_page_again_and_refunds_nothing():
    order = handed_over(sold_by_credits(UserWithProfileFactory()))
    response = confirm(client_for(refund_staff()), order, reason="   ")
    page = response.content.decode()
    assert "Refund these sales?" in page
    assert "This field is required." in page
    assert MarketplaceOrder.objects.get(id=order.id).status == OrderStatus.COMPLETED


def test_an_unpaid_order_is_refused_with_a_clear_message_and_the_others_are_refunded():
    pending = marketplace_buy(buyer=UserWithProfileFactory(), listing_id=listing(UserWithProfileFactory()).id)
    paid = sold_by_credits(UserWithProfileFactory())
    response = confirm(client_for(refund_staff()), pending, paid)
    page = response.content.decode()
    assert f"Not refunded: {pending} is pending; only a paid or handed-over sale is refunded." in page
    assert "1 sale(s) refunded." in page
    assert MarketplaceOrder.objects.get(id=pending.id).status == OrderStatus.PENDING
    assert MarketplaceOrder.objects.get(id=paid.id).status == OrderStatus.REFUNDED


@pytest.mark.parametrize("step", [ask, confirm])
def test_staff_without_the_refund_permission_have_no_action_and_refund_nothing(step):
    order = handed_over(sold_by_credits(UserWithProfileFactory()))
    client = client_for(viewing_staff())
    changelist = client.get(ORDERS).content.decode()
    assert client.get(ORDERS).status_code == 200
    assert "refund_sales" not in changelist

    response = step(client, order)
    assert "Refund these sales?" not in response.content.decode()
    assert MarketplaceOrder.objects.get(id=order.id).status == OrderStatus.COMPLETED
    assert not AuditEntry.objects.filter(action="marketplace.order_refunded").exists()


def test_finance_sees_the_action_on_the_orders_list():
    handed_over(sold_by_credits(UserWithProfileFactory()))
    changelist = client_for(refund_staff()).get(ORDERS)
    assert changelist.status_code == 200
    assert 'value="refund_sales"' in changelist.content.decode()
