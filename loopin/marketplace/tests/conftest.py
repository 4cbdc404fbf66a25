"""Marketplace fixtures: sellers with listings, photos uploaded through the media pipeline."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from loopin.marketplace.models import Listing
from loopin.marketplace.services.listings import ListingIn, listing_create
from loopin.media.services import media_upload
from loopin.testing.images import phone_photo


def photo(owner: Any) -> Any:
    """A phone photo (GPS and camera EXIF) uploaded by `owner` through the media pipeline."""
    return media_upload(owner=owner, handle=io.BytesIO(phone_photo()), content_type="image/jpeg")


def listing(
    seller: Any, *, title: str = "Road bike", price: str = "12000.00", photos: int = 0, **fields: Any
) -> Listing:
    data = ListingIn(
        title=title,
        description=fields.pop("description", "Barely used, new tyres."),
        price=Decimal(price),
        category=fields.pop("category", "sports"),
        condition=fields.pop("condition", "like_new"),
        city=fields.pop("city", "Bengaluru"),
    )
    return listing_create(seller=seller, data=data, media_ids=[photo(seller).id for _ in range(photos)])
