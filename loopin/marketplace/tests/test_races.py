"""One buyer at a time, with real threads (PostgreSQL: the conditional UPDATE of the listing's status is
the guard; SQLite serialises writers): of 30 buyers racing for one listing exactly one holds it."""

from __future__ import annotations

import pytest

from loopin.marketplace.models import Listing, ListingStatus, MarketplaceOrder, OrderStatus
from loopin.marketplace.services.orders import marketplace_buy, order_paid
from loopin.marketplace.tests.conftest import listing
from loopin.testing.concurrency import outcomes as race
from loopin.testing.factories import UserWithProfileFactory

BUYERS = 30


@pytest.mark.django_db(transaction=True)
def test_thirty_buyers_racing_for_one_listing_leave_exactly_one_order():
    made = listing(UserWithProfileFactory())
    buyers = [UserWithProfileFactory() for _ in range(BUYERS)]

    counted = race([lambda b=b: marketplace_buy(buyer=b, listing_id=made.id) for b in buyers])

    assert counted == {"ok": 1, "LISTING_NOT_FOR_SALE": BUYERS - 1}
    [order] = MarketplaceOrder.objects.filter(listing=made)
    listing_row = Listing.objects.get(id=made.id)
    assert (order.status, listing_row.status, listing_row.reserved_by_id) == (
        OrderStatus.PENDING,
        ListingStatus.RESERVED,
        order.buyer_id,
    )


@pytest.mark.django_db(transaction=True)
def test_a_payment_confirmed_by_ten_threads_at_once_sells_once():
    made = listing(UserWithProfileFactory())
    order = marketplace_buy(buyer=UserWithProfileFactory(), listing_id=made.id)

    counted = race([lambda: order_paid(order_id=order.id, payment_reference="charge_x")] * 10)

    assert counted == {"ok": 10}
    assert MarketplaceOrder.objects.get(id=order.id).status == OrderStatus.PAID
    assert Listing.objects.get(id=made.id).status == ListingStatus.SOLD
