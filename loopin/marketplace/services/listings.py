"""Listings: a person puts something up for sale with photos (their own uploads, re-encoded and stripped of
metadata by the media pipeline), changes it while nobody is paying, marks it sold elsewhere or removes it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from loopin.marketplace.error_codes import MarketplaceErrorCode
from loopin.marketplace.models import Listing, ListingPhoto, ListingStatus
from loopin.media.models import MediaKind
from loopin.media.services import media_claim, media_erase
from loopin.people.moderation import ensure_can_post

MAX_PHOTOS = 8
EDITABLE = ("title", "description", "price", "category", "condition", "city")


@dataclass(frozen=True)
class ListingIn:
    title: str
    description: str
    price: Decimal
    category: str
    condition: str
    city: str


def _clean(text: str, field: str) -> str:
    value = " ".join(text.split()) if field != "description" else text.strip()
    if field in ("title", "city") and not value:
        raise ValidationFailed.one(field, "blank", f"{field.capitalize()} cannot be blank.")
    return value


def _photos(listing: Listing, seller: User, media_ids: list[uuid.UUID]) -> None:
    if len(media_ids) > MAX_PHOTOS:
        raise ValidationFailed.one("media_ids", "TOO_MANY_MEDIA", f"A listing has at most {MAX_PHOTOS} photos.")
    media = media_claim(owner=seller, media_ids=media_ids, kinds={MediaKind.IMAGE})
    ListingPhoto.objects.bulk_create([ListingPhoto(listing=listing, media=m, position=i) for i, m in enumerate(media)])


def listing_create(*, seller: User, data: ListingIn, media_ids: list[uuid.UUID]) -> Listing:
    """Put something up for sale with up to 8 photos."""
    ensure_can_post(seller)
    with transaction.atomic():
        listing = Listing.objects.create(
            seller=seller,
            title=_clean(data.title, "title"),
            description=_clean(data.description, "description"),
            price=data.price,
            category=data.category,
            condition=data.condition,
            city=_clean(data.city, "city"),
        )
        _photos(listing, seller, media_ids)
        audit_record(action="marketplace.listed", actor=seller, obj=listing, data={"price": str(listing.price)})
    prefetch_related_objects([listing], "photos__media")
    return listing


def _own_locked(seller: User, listing_id: uuid.UUID) -> Listing:
    listing = Listing.objects.select_for_update().filter(id=listing_id).exclude(status=ListingStatus.REMOVED).first()
    if listing is None:
        raise NotFound(code=MarketplaceErrorCode.LISTING_NOT_FOUND)
    if listing.seller_id != seller.id:
        raise PermissionDenied(code=MarketplaceErrorCode.NOT_LISTING_SELLER)
    return listing


def listing_update(
    *, seller: User, listing_id: uuid.UUID, fields: dict[str, Any], media_ids: list[uuid.UUID] | None = None
) -> Listing:
    """Change a listing that is for sale (not while a buyer pays, not once sold); `media_ids` replace the photos."""
    with transaction.atomic():
        listing = _own_locked(seller, listing_id)
        if listing.status != ListingStatus.ACTIVE:
            raise Conflict(code=MarketplaceErrorCode.LISTING_PRICE_LOCKED)
        changed = [k for k in EDITABLE if fields.get(k) is not None]
        for name in changed:
            value = fields[name]
            setattr(listing, name, _clean(value, name) if isinstance(value, str) else value)
        listing.save()
        if media_ids is not None:
            old = list(ListingPhoto.objects.filter(listing=listing).values_list("media_id", flat=True))
            ListingPhoto.objects.filter(listing=listing).delete()
            _photos(listing, seller, media_ids)
            media_erase(media_ids=[m for m in old if m not in set(media_ids)])
        audit_record(action="marketplace.changed", actor=seller, obj=listing, data={"fields": changed})
    prefetch_related_objects([listing], "photos__media")
    return listing


def listing_mark_sold(*, seller: User, listing_id: uuid.UUID) -> Listing:
    """The seller sold it elsewhere: it leaves the marketplace (not while a buyer here is paying)."""
    with transaction.atomic():
        listing = _own_locked(seller, listing_id)
        if listing.status != ListingStatus.ACTIVE:
            raise Conflict(code=MarketplaceErrorCode.LISTING_NOT_FOR_SALE)
        listing.status = ListingStatus.SOLD
        listing.sold_at = timezone.now()
        listing.save(update_fields=["status", "sold_at", "updated_at"])
        audit_record(action="marketplace.marked_sold", actor=seller, obj=listing)
    prefetch_related_objects([listing], "photos__media")
    return listing


def listing_remove(*, seller: User, listing_id: uuid.UUID) -> None:
    """The seller takes a listing down (not while a buyer is paying); its photos are erased."""
    with transaction.atomic():
        listing = _own_locked(seller, listing_id)
        if listing.status == ListingStatus.RESERVED:
            raise Conflict(code=MarketplaceErrorCode.LISTING_NOT_FOR_SALE)
        listing_take_down(listing=listing)
        audit_record(action="marketplace.removed", actor=seller, obj=listing)


def listing_take_down(*, listing: Listing) -> None:
    """Inside a transaction: the listing is removed and its photos erased (the seller's removal, a takedown).
    A buyer paying at that moment keeps their order; its payment is refused and refunded."""
    media_ids = list(ListingPhoto.objects.filter(listing=listing).values_list("media_id", flat=True))
    ListingPhoto.objects.filter(listing=listing).delete()
    Listing.objects.filter(id=listing.id).update(status=ListingStatus.REMOVED, removed_at=timezone.now())
    media_erase(media_ids=media_ids)
