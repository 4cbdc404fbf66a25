"""Listings in the moderation queue (registered with loopin.people.moderation): a report names a listing the
reporter can see; a takedown removes it with its photos, as the seller's removal does."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse

from loopin.marketplace.access import listing_for
from loopin.marketplace.models import Listing, ListingStatus
from loopin.marketplace.services.listings import listing_take_down
from loopin.people.models import ReportTarget
from loopin.people.moderation import ContentKind, ContentView, register_content

if TYPE_CHECKING:
    from loopin.accounts.models import User


def _find(viewer: User, listing_id: uuid.UUID) -> uuid.UUID:
    return listing_for(viewer, listing_id).seller_id  # 404 LISTING_NOT_FOUND for one the reporter cannot see


def _show(listing_id: uuid.UUID) -> ContentView | None:
    listing = Listing.objects.exclude(status=ListingStatus.REMOVED).filter(id=listing_id).first()
    if listing is None:
        return None
    return ContentView(
        label="Marketplace listing",
        author_id=listing.seller_id,
        text=f"{listing.title} ({listing.price} {listing.currency}, {listing.city})\n\n{listing.description}",
        media=[p.media for p in listing.photos.select_related("media").order_by("position")],
        admin_url=reverse("admin:marketplace_listing_change", args=[listing.id]),
    )


def _take_down(listing_id: uuid.UUID) -> bool:
    with transaction.atomic():
        listing = (
            Listing.objects.select_for_update().exclude(status=ListingStatus.REMOVED).filter(id=listing_id).first()
        )
        if listing is None:
            return False
        listing_take_down(listing=listing)
    return True


def register() -> None:
    register_content(ReportTarget.LISTING, ContentKind("Marketplace listing", _find, _show, _take_down))
