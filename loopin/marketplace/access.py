"""Who sees a listing: everyone signed in, except the seller's and the viewer's blocks (either way), and
nobody once it is removed. A blocked listing is simply not there (404), as blocked people are elsewhere."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from loopin.core.errors import NotFound
from loopin.marketplace.error_codes import MarketplaceErrorCode
from loopin.marketplace.models import Listing, ListingStatus
from loopin.people import selectors as people

if TYPE_CHECKING:
    from loopin.accounts.models import User


def visible_listings(viewer: User) -> QuerySet[Listing]:
    """Listings the viewer may see (any status but removed), without blocked sellers either way."""
    rows = Listing.objects.exclude(status=ListingStatus.REMOVED)
    return people.exclude_blocked(rows, viewer, field="seller_id")


def listing_for(viewer: User, listing_id: uuid.UUID, *, lock: bool = False) -> Listing:
    rows = visible_listings(viewer)
    if lock:
        rows = rows.select_for_update()
    listing = rows.filter(id=listing_id).first()
    if listing is None:
        raise NotFound(code=MarketplaceErrorCode.LISTING_NOT_FOUND)
    return listing
