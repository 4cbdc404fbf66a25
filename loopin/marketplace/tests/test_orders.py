"""Buying: the seller cannot buy their own listing, one buyer at a time (hold, expiry, cancel), the fee
snapshot, payment marks it sold once, the handover completes the sale, ratings once per side."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loopin.core.errors import BusinessRuleError, Conflict, NotFound
from loopin.marketplace.models import Listing, ListingStatus, MarketplaceFee, MarketplaceOrder, OrderStatus
from loopin.marketplace.services.orders import (
    marketplace_buy,
    marketplace_holds_expire,
    marketplace_order_cancel,
    marketplace_order_complete,
    order_paid,
)
from loopin.marketplace.services.ratings import marketplace_rate
from loopin.marketplace.tests.conftest import listing
from loopin.testing.factories import UserWithProfileFactory

pytestmark = pytest.mark.django_db


def _status(made) -> str:
    return Listing.objects.get(id=made.id).status


def test_the_seller_cannot_buy_their_own_listing():
    seller = UserWithProfileFactory()
    with pytest.raises(BusinessRuleError) as exc:
        marketplace_buy(buyer=seller, listing_id=listing(seller).id)
    assert exc.value.code == "OWN_LISTING"


def test_buying_holds_the_listing_with_the_fee_on_top():
    MarketplaceFee.objects.update_or_create(pk=1, defaults={"fee_percent": Decimal("7.50")})
    made = listing(UserWithProfileFactory(), price="999.99")
    order = marketplace_buy(buyer=UserWithProfileFactory(), listing_id=made.id)
    assert (order.status, order.price, order.fee_percent, order.fee_amount, order.total) == (
        OrderStatus.PENDING,
        Decimal("999.99"),
        Decimal("7.50"),
        Decimal("75.00"),  # 999.99 × 1.075 = 1074.989 -> 1074.99
        Decimal("1074.99"),
    )
    assert _status(made) == ListingStatus.RESERVED


def test_a_second_buyer_is_refused_while_the_first_pays_and_the_first_gets_their_order_again():
    made = listing(UserWithProfileFactory())
    first, second = UserWithProfileFactory(), UserWithProfileFactory()
    order = marketplace_buy(buyer=first, listing_id=made.id)
    with pytest.raises(Conflict) as exc:
        marketplace_buy(buyer=second, listing_id=made.id)
    assert (exc.value.code, exc.value.message) == (
        "LISTING_NOT_FOR_SALE",
        "The listing is sold, removed, or another buyer is paying.",
    )
    assert marketplace_buy(buyer=first, listing_id=made.id).id == order.id


def test_a_lapsed_hold_expires_once_and_the_next_buyer_gets_it():
    made = listing(UserWithProfileFactory())
    first, second = UserWithProfileFactory(), UserWithProfileFactory()
    order = marketplace_buy(buyer=first, listing_id=made.id)
    MarketplaceOrder.objects.filter(id=order.id).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    assert marketplace_holds_expire() == 1
    assert marketplace_holds_expire() == 0
    assert _status(made) == ListingStatus.ACTIVE
    assert marketplace_buy(buyer=second, listing_id=made.id).buyer_id == second.id


def test_cancelling_before_paying_puts_it_back_on_sale():
    made = listing(UserWithProfileFactory())
    buyer = UserWithProfileFactory()
    order = marketplace_buy(buyer=buyer, listing_id=made.id)
    assert marketplace_order_cancel(buyer=buyer, order_id=order.id).status == OrderStatus.CANCELLED
    assert _status(made) == ListingStatus.ACTIVE
    with pytest.raises(Conflict) as exc:
        marketplace_order_cancel(buyer=buyer, order_id=order.id)
    assert exc.value.code == "MARKET_ORDER_NOT_PENDING"


def test_payment_sells_the_listing_once():
    made = listing(UserWithProfileFactory())
    order = marketplace_buy(buyer=UserWithProfileFactory(), listing_id=made.id)
    paid = order_paid(order_id=order.id, payment_reference="charge_1")
    assert (paid.status, paid.payment_reference) == (OrderStatus.PAID, "charge_1")
    assert order_paid(order_id=order.id, payment_reference="charge_1").status == OrderStatus.PAID
    assert _status(made) == ListingStatus.SOLD


def test_a_payment_after_someone_else_took_the_listing_is_refused_for_a_refund():
    made = listing(UserWithProfileFactory())
    late, next_buyer = UserWithProfileFactory(), UserWithProfileFactory()
    order = marketplace_buy(buyer=late, listing_id=made.id)
    MarketplaceOrder.objects.filter(id=order.id).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    marketplace_holds_expire()
    marketplace_buy(buyer=next_buyer, listing_id=made.id)
    with pytest.raises(Conflict) as exc:
        order_paid(order_id=order.id, payment_reference="charge_late")
    assert exc.value.code == "LISTING_NOT_FOR_SALE"
    assert MarketplaceOrder.objects.get(id=order.id).status == OrderStatus.EXPIRED


def test_a_payment_after_the_hold_lapsed_still_buys_a_listing_nobody_took():
    made = listing(UserWithProfileFactory())
    order = marketplace_buy(buyer=UserWithProfileFactory(), listing_id=made.id)
    MarketplaceOrder.objects.filter(id=order.id).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    marketplace_holds_expire()
    assert order_paid(order_id=order.id, payment_reference="charge_2").status == OrderStatus.PAID
    assert _status(made) == ListingStatus.SOLD


def test_ratings_come_after_the_handover_once_per_side():
    seller, buyer = UserWithProfileFactory(), UserWithProfileFactory()
    order = marketplace_buy(buyer=buyer, listing_id=listing(seller).id)
    order_paid(order_id=order.id, payment_reference="charge_3")
    with pytest.raises(Conflict) as exc:
        marketplace_rate(rater=buyer, order_id=order.id, stars=5)
    assert (exc.value.code, exc.value.message) == (
        "RATING_NOT_ALLOWED",
        "Rate after the sale is completed, once per side.",
    )
    with pytest.raises(Conflict):
        marketplace_rate(rater=seller, order_id=order.id, stars=4)
    assert marketplace_order_complete(buyer=buyer, order_id=order.id).status == OrderStatus.COMPLETED
    by_buyer = marketplace_rate(rater=buyer, order_id=order.id, stars=5, comment="  Smooth handover. ")
    by_seller = marketplace_rate(rater=seller, order_id=order.id, stars=4)
    assert [(r.rater_id, r.ratee_id, r.stars, r.comment) for r in (by_buyer, by_seller)] == [
        (buyer.id, seller.id, 5, "Smooth handover."),
        (seller.id, buyer.id, 4, ""),
    ]
    with pytest.raises(Conflict) as exc:
        marketplace_rate(rater=buyer, order_id=order.id, stars=1)
    assert exc.value.code == "RATING_NOT_ALLOWED"


def test_only_the_buyer_confirms_the_handover():
    seller, buyer = UserWithProfileFactory(), UserWithProfileFactory()
    order = marketplace_buy(buyer=buyer, listing_id=listing(seller).id)
    with pytest.raises(Conflict) as exc:
        marketplace_order_complete(buyer=buyer, order_id=order.id)
    assert (exc.value.code, exc.value.message) == (
        "MARKET_ORDER_NOT_PAID",
        "Only a paid order can be marked as handed over.",
    )
    order_paid(order_id=order.id, payment_reference="charge_4")
    with pytest.raises(NotFound):
        marketplace_order_complete(buyer=seller, order_id=order.id)
