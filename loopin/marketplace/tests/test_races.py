"""One buyer at a time, with real threads (PostgreSQL: the conditional UPDATE of the listing's status is
the guard; SQLite serialises writers): of 30 buyers racing for one listing exactly one holds it; a handover
confirmed at once pays the seller once; a seller's payout requests at once leave one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loopin.looppay.models import Account, EntryReason, JournalEntry
from loopin.looppay.tests.conftest import give_credit
from loopin.marketplace.models import Listing, ListingStatus, MarketplaceOrder, OrderStatus
from loopin.marketplace.payment import marketplace_order_pay
from loopin.marketplace.services.orders import marketplace_buy, marketplace_order_complete, order_paid
from loopin.marketplace.tests.conftest import listing
from loopin.payments.models import PayoutRequest
from loopin.payments.payouts import bank_account_create, payout_request_create_for_source
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


@pytest.mark.django_db(transaction=True)
def test_a_handover_confirmed_by_ten_threads_at_once_pays_the_seller_once():
    seller = UserWithProfileFactory()
    buyer = UserWithProfileFactory()
    give_credit(buyer, "2000.00")
    order = marketplace_buy(buyer=buyer, listing_id=listing(seller, price="1000.00").id)
    marketplace_order_pay(buyer=buyer, order_id=order.id, method="credits")

    counted = race([lambda: marketplace_order_complete(buyer=buyer, order_id=order.id)] * 10)

    assert counted == {"ok": 10}
    assert JournalEntry.objects.filter(reason=EntryReason.SALE_EARNING, reference=str(order.id)).count() == 1
    assert Account.objects.get(key=f"host:{seller.pk}").balance == Decimal("1000.00")


@pytest.mark.django_db(transaction=True)
def test_a_seller_asking_for_a_payout_from_five_threads_at_once_gets_one():
    seller = UserWithProfileFactory()
    buyer = UserWithProfileFactory()
    give_credit(buyer, "2000.00")
    order = marketplace_buy(buyer=buyer, listing_id=listing(seller, price="1000.00").id)
    marketplace_order_pay(buyer=buyer, order_id=order.id, method="credits")
    marketplace_order_complete(buyer=buyer, order_id=order.id)
    bank = bank_account_create(
        user=seller, holder_name="Riya Sen", bank_name="HDFC Bank", ifsc="HDFC0001234", account_number="50100012345678"
    )

    counted = race(
        [lambda: payout_request_create_for_source(user=seller, source="marketplace", bank_account_id=bank.id)] * 5
    )

    assert counted == {"ok": 1, "PAYOUT_EXISTS": 4}
    assert list(PayoutRequest.objects.filter(host=seller).values_list("amount", flat=True)) == [Decimal("1000.00")]
