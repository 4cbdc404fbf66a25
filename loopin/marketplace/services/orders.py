"""Buying: one buyer at a time per listing.

Buying reserves the listing with one conditional UPDATE (`status = active` → `reserved`, the buyer and a hold
of PAYMENT_HOLD_MINUTES), so of any number of buyers at once exactly one gets it; the others are told it is
not for sale. The order keeps a snapshot of the price and the platform fee (`MarketplaceFee`, on top of the
price; the seller earns the price). A lapsed hold expires and the listing is for sale again. Payment
confirmation marks the order paid and the listing sold (exactly once); the buyer then confirms the handover,
which completes the sale, credits the seller's share to their earnings (once, `loopin.marketplace.earnings`)
and opens ratings.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, NotFound
from loopin.core.settings import get_settings
from loopin.marketplace.access import listing_for
from loopin.marketplace.earnings import sale_earning_post
from loopin.marketplace.error_codes import MarketplaceErrorCode
from loopin.marketplace.models import Listing, ListingStatus, MarketplaceFee, MarketplaceOrder, OrderStatus
from loopin.payments.money import price as price_of


def holds_expire(*, listing_id: uuid.UUID | None = None, now: datetime | None = None) -> int:
    """Unpaid orders past their hold expire (each once) and their listing is for sale again."""
    now = now or timezone.now()
    due = MarketplaceOrder.objects.filter(status=OrderStatus.PENDING, hold_expires_at__lte=now)
    if listing_id is not None:
        due = due.filter(listing_id=listing_id)
    expired = 0
    for order_id, listing, buyer in due.values_list("id", "listing_id", "buyer_id")[:1000]:
        with transaction.atomic():
            if MarketplaceOrder.objects.filter(id=order_id, status=OrderStatus.PENDING).update(
                status=OrderStatus.EXPIRED, hold_expires_at=None
            ):
                _release(listing, buyer)
                expired += 1
    return expired


def marketplace_holds_expire() -> int:
    """Every lapsed buyer's hold expires (beat, every minute)."""
    return holds_expire()


def _release(listing_id: uuid.UUID, buyer_id: uuid.UUID) -> None:
    Listing.objects.filter(id=listing_id, status=ListingStatus.RESERVED, reserved_by_id=buyer_id).update(
        status=ListingStatus.ACTIVE, reserved_by=None, reserved_until=None
    )


def marketplace_buy(*, buyer: User, listing_id: uuid.UUID) -> MarketplaceOrder:
    """Hold the listing for the caller while they pay; a repeat call while paying returns the same order."""
    now = timezone.now()
    listing = listing_for(buyer, listing_id)  # blocked either way: not found
    if listing.seller_id == buyer.id:
        raise BusinessRuleError(code=MarketplaceErrorCode.OWN_LISTING)
    holds_expire(listing_id=listing.id, now=now)
    until = now + timedelta(minutes=get_settings().PAYMENT_HOLD_MINUTES)
    with transaction.atomic():
        taken = Listing.objects.filter(id=listing.id, status=ListingStatus.ACTIVE).update(
            status=ListingStatus.RESERVED, reserved_by=buyer, reserved_until=until
        )
        if not taken:
            mine = MarketplaceOrder.objects.filter(listing=listing, buyer=buyer, status=OrderStatus.PENDING).first()
            if mine is not None:
                return mine
            raise Conflict(code=MarketplaceErrorCode.LISTING_NOT_FOR_SALE)
        listing.refresh_from_db()
        fee = MarketplaceFee.current().fee_percent
        snapshot = price_of(base=listing.price, fee_percent=fee, seats=1, currency=listing.currency)
        order = MarketplaceOrder.objects.create(
            listing=listing,
            buyer=buyer,
            seller_id=listing.seller_id,
            currency=snapshot.currency,
            price=snapshot.base_price,
            fee_percent=snapshot.fee_percent,
            fee_amount=snapshot.fee_amount,
            total=snapshot.total,
            hold_expires_at=until,
        )
        audit_record(action="marketplace.order_opened", actor=buyer, obj=order, data={"total": str(order.total)})
    return order


def my_order_locked(user: User, order_id: uuid.UUID) -> MarketplaceOrder:
    order = (
        MarketplaceOrder.objects.select_for_update(of=("self",))
        .select_related("listing")
        .filter(Q(buyer=user) | Q(seller=user), id=order_id)
        .first()
    )
    if order is None:
        raise NotFound(code=MarketplaceErrorCode.MARKET_ORDER_NOT_FOUND)
    return order


def marketplace_order_cancel(*, buyer: User, order_id: uuid.UUID) -> MarketplaceOrder:
    """The buyer gives up before paying: the listing is for sale again."""
    with transaction.atomic():
        order = my_order_locked(buyer, order_id)
        if order.buyer_id != buyer.id:
            raise NotFound(code=MarketplaceErrorCode.MARKET_ORDER_NOT_FOUND)
        if order.status != OrderStatus.PENDING:
            raise Conflict(code=MarketplaceErrorCode.MARKET_ORDER_NOT_PENDING)
        order.status = OrderStatus.CANCELLED
        order.hold_expires_at = None
        order.save(update_fields=["status", "hold_expires_at", "updated_at"])
        _release(order.listing_id, order.buyer_id)
        audit_record(action="marketplace.order_cancelled", actor=buyer, obj=order)
    return order


def order_paid(*, order_id: uuid.UUID, payment_reference: str) -> MarketplaceOrder:
    """The buyer's payment was confirmed: the order is paid and the listing sold, exactly once. A payment for
    a lapsed hold still buys the listing if nobody else holds it; otherwise 409 (the payment is refunded)."""
    now = timezone.now()
    with transaction.atomic():
        order = MarketplaceOrder.objects.select_for_update().select_related("listing").get(id=order_id)
        if order.status in (OrderStatus.PAID, OrderStatus.COMPLETED):
            return order
        if order.status == OrderStatus.PENDING:
            sold = Listing.objects.filter(
                id=order.listing_id, status=ListingStatus.RESERVED, reserved_by_id=order.buyer_id
            ).update(status=ListingStatus.SOLD, sold_at=now, reserved_until=None)
        elif order.status in (OrderStatus.EXPIRED, OrderStatus.CANCELLED):
            sold = Listing.objects.filter(id=order.listing_id, status=ListingStatus.ACTIVE).update(
                status=ListingStatus.SOLD, sold_at=now, reserved_by=order.buyer_id, reserved_until=None
            )
        else:
            sold = 0
        if not sold:
            raise Conflict("The listing is no longer for sale.", code=MarketplaceErrorCode.LISTING_NOT_FOR_SALE)
        order.status = OrderStatus.PAID
        order.paid_at = now
        order.hold_expires_at = None
        order.payment_reference = payment_reference
        order.save(update_fields=["status", "paid_at", "hold_expires_at", "payment_reference", "updated_at"])
        audit_record(action="marketplace.order_paid", obj=order, subject=order.buyer, data={"total": str(order.total)})
    return order


def marketplace_order_complete(*, buyer: User, order_id: uuid.UUID) -> MarketplaceOrder:
    """The buyer confirms they got the item: the sale is completed, the seller earns their share, and both sides
    may rate each other. A repeated (or concurrent) confirmation waits for the order's lock and changes nothing."""
    with transaction.atomic():
        order = my_order_locked(buyer, order_id)
        if order.buyer_id != buyer.id:
            raise NotFound(code=MarketplaceErrorCode.MARKET_ORDER_NOT_FOUND)
        if order.status == OrderStatus.COMPLETED:
            return order
        if order.status != OrderStatus.PAID:
            raise Conflict(code=MarketplaceErrorCode.MARKET_ORDER_NOT_PAID)
        order.status = OrderStatus.COMPLETED
        order.completed_at = timezone.now()
        order.save(update_fields=["status", "completed_at", "updated_at"])
        entry = sale_earning_post(order)
        audit_record(
            action="marketplace.order_completed", actor=buyer, obj=order, data={"earning_entry": str(entry.id)}
        )
    return order
