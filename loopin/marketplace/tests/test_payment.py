"""Paying a marketplace order through the payment interface: by card (sold once the provider confirms) or credits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loopin.looppay.selectors import credit_balance
from loopin.looppay.tests.conftest import give_credit
from loopin.marketplace.models import Listing, ListingStatus, MarketplaceOrder, OrderStatus
from loopin.marketplace.payment import marketplace_order_pay
from loopin.marketplace.services.orders import marketplace_buy
from loopin.marketplace.tests.conftest import listing
from loopin.payments.charge_models import Charge
from loopin.payments.money import to_minor
from loopin.payments.services.charges import charge_confirm
from loopin.testing.factories import UserWithProfileFactory

pytestmark = pytest.mark.django_db


def test_credits_pay_the_total_with_the_fee_and_sell_the_listing():
    made = listing(UserWithProfileFactory(), price="1000.00")
    buyer = UserWithProfileFactory()
    give_credit(buyer, "2000.00")
    order = marketplace_buy(buyer=buyer, listing_id=made.id)
    paid = marketplace_order_pay(buyer=buyer, order_id=order.id, method="credits")
    assert (paid["order"]["status"], paid["order"]["total"]) == ("paid", "1050.00")
    assert credit_balance(buyer) == Decimal("950.00")
    assert Listing.objects.get(id=made.id).status == ListingStatus.SOLD


def test_a_card_payment_sells_the_listing_when_the_provider_confirms():
    made = listing(UserWithProfileFactory(), price="1000.00")
    buyer = UserWithProfileFactory()
    order = marketplace_buy(buyer=buyer, listing_id=made.id)
    started = marketplace_order_pay(buyer=buyer, order_id=order.id, method="card")
    assert (started["order"]["status"], started["payment"]["amount"]) == ("pending", "1050.00")
    charge = Charge.objects.get(id=started["payment"]["id"])
    charge_confirm(
        charge_id=charge.id, payment_id="pay_m", provider=charge.provider,
        amount_minor=to_minor(charge.amount, "INR"), currency="INR",
    )  # fmt: skip
    assert MarketplaceOrder.objects.get(id=order.id).status == OrderStatus.PAID
    assert Listing.objects.get(id=made.id).status == ListingStatus.SOLD
