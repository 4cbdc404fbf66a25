"""The marketplace's reads, shaped for the API: browse (filters and search), a listing, the caller's
listings and orders, a person's ratings."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from loopin.accounts.models import User
from loopin.core.errors import NotFound
from loopin.marketplace.access import listing_for, visible_listings
from loopin.marketplace.earnings import MARKETPLACE, seller_payout_figures
from loopin.marketplace.error_codes import MarketplaceErrorCode
from loopin.marketplace.models import Listing, ListingPhoto, ListingStatus, MarketplaceOrder, Rating
from loopin.media.selectors import media_data
from loopin.payments.models import ACTIVE_PAYOUT, PayoutRequest
from loopin.people import selectors as people

PHOTOS = Prefetch("photos", queryset=ListingPhoto.objects.select_related("media").order_by("position"))


def listing_data(listing: Listing, *, viewer_id: uuid.UUID | None = None) -> dict[str, Any]:
    """A listing with its photos (prefetched) and its seller (loaded)."""
    return {
        "id": listing.id,
        "title": listing.title,
        "description": listing.description,
        "price": str(listing.price),
        "currency": listing.currency,
        "category": listing.category,
        "condition": listing.condition,
        "city": listing.city,
        "status": listing.status,
        "photos": [media_data(p.media) for p in listing.photos.all()],
        "seller": {"id": listing.seller_id, "name": listing.seller.name or None},
        "is_mine": viewer_id is not None and viewer_id == listing.seller_id,
        "created_at": listing.created_at,
        "sold_at": listing.sold_at,
    }


def _with_joins(rows: QuerySet[Listing]) -> QuerySet[Listing]:
    return rows.select_related("seller").prefetch_related(PHOTOS)


def marketplace_browse(
    *,
    user: User,
    offset: int,
    limit: int,
    q: str | None = None,
    category: str | None = None,
    city: str | None = None,
    condition: str | None = None,
    min_price: Decimal | None = None,
    max_price: Decimal | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Listings for sale, newest first, filtered and searched (title and description); blocked sellers left out."""
    rows = visible_listings(user).filter(status=ListingStatus.ACTIVE)
    if q:
        for word in q.split()[:8]:
            rows = rows.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if category:
        rows = rows.filter(category=category)
    if city:
        rows = rows.filter(city__iexact=city.strip())
    if condition:
        rows = rows.filter(condition=condition)
    if min_price is not None:
        rows = rows.filter(price__gte=min_price)
    if max_price is not None:
        rows = rows.filter(price__lte=max_price)
    rows = rows.order_by("-created_at", "id")
    page = _with_joins(rows)[offset : offset + limit]
    return [listing_data(r, viewer_id=user.id) for r in page], rows.count()


def marketplace_listing(*, user: User, listing_id: uuid.UUID) -> dict[str, Any]:
    """One listing (sold ones too); 404 when removed or blocked either way."""
    listing = listing_for(user, listing_id)
    row = _with_joins(Listing.objects.filter(id=listing.id)).get()
    return listing_data(row, viewer_id=user.id)


def listing_view(listing: Listing) -> dict[str, Any]:
    """A listing a service just wrote (photos prefetched), for its seller."""
    return listing_data(listing, viewer_id=listing.seller_id)


def my_listings(*, user: User, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """The caller's own listings (all but removed), newest first."""
    rows = Listing.objects.filter(seller=user).exclude(status=ListingStatus.REMOVED).order_by("-created_at")
    return [listing_data(r, viewer_id=user.id) for r in _with_joins(rows)[offset : offset + limit]], rows.count()


def order_data(order: MarketplaceOrder, *, checkout: dict[str, Any] | None = None) -> dict[str, Any]:
    """An order (its listing loaded)."""
    return {
        "id": order.id,
        "listing_id": order.listing_id,
        "title": order.listing.title,
        "buyer_id": order.buyer_id,
        "seller_id": order.seller_id,
        "status": order.status,
        "price": str(order.price),
        "fee_percent": str(order.fee_percent),
        "fee_amount": str(order.fee_amount),
        "total": str(order.total),
        "currency": order.currency,
        "hold_expires_at": order.hold_expires_at,
        "paid_at": order.paid_at,
        "completed_at": order.completed_at,
        "created_at": order.created_at,
        "checkout": checkout,
    }


def my_orders(*, user: User, offset: int, limit: int, role: str = "buyer") -> tuple[list[dict[str, Any]], int]:
    """The caller's purchases (`role=buyer`) or sales (`role=seller`), newest first."""
    rows = MarketplaceOrder.objects.filter(**{role: user}).select_related("listing").order_by("-created_at")
    return [order_data(o) for o in rows[offset : offset + limit]], rows.count()


def my_order(*, user: User, order_id: uuid.UUID) -> dict[str, Any]:
    order = (
        MarketplaceOrder.objects.select_related("listing").filter(Q(buyer=user) | Q(seller=user), id=order_id).first()
    )
    if order is None:
        raise NotFound(code=MarketplaceErrorCode.MARKET_ORDER_NOT_FOUND)
    return order_data(order)


def rating_data(rating: Rating) -> dict[str, Any]:
    return {
        "id": rating.id,
        "order_id": rating.order_id,
        "rater_id": rating.rater_id,
        "ratee_id": rating.ratee_id,
        "stars": rating.stars,
        "comment": rating.comment,
        "created_at": rating.created_at,
    }


def seller_ratings(*, user: User, person_id: uuid.UUID, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """The ratings a person received on the marketplace, newest first (not between blocked people)."""
    if people.is_blocked_between(user, person_id):
        return [], 0
    rows = people.exclude_blocked(Rating.objects.filter(ratee_id=person_id), user, field="rater_id")
    return [rating_data(r) for r in rows.order_by("-created_at")[offset : offset + limit]], rows.count()


def seller_earnings(*, user: User) -> dict[str, Any]:
    """The caller's earnings from sales: what is payable now and any payout in progress."""
    figures = seller_payout_figures(user)
    active = (
        PayoutRequest.objects.filter(source=MARKETPLACE, host=user, status__in=ACTIVE_PAYOUT)
        .values_list("amount", flat=True)
        .first()
    )
    return {
        "currency": figures["currency"],
        **{k: str(figures[k]) for k in ("gross_earnings", "refunds_total", "previously_paid", "amount")},
        "payout_in_progress": str(active) if active is not None else None,
    }
