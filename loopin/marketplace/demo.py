"""Demo marketplace for `make run`: a few listings by the demo hosts and guests, with pictures drawn at seed time
and sent through the media pipeline (idempotent)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from loopin.accounts.demo import demo_guests
from loopin.marketplace.models import Listing, MarketplaceFee
from loopin.marketplace.services.listings import ListingIn, listing_create
from loopin.media.services import media_upload
from loopin.posts.demo import demo_picture

LISTINGS = [
    # seller (h: host, g: guest) index, title, price, category, condition, city, description, colours
    ("h", 0, "Catan (5th edition), complete", "1800.00", "other", "like_new", "Bengaluru",
     "Played twice at the terrace games night. All pieces, sleeved cards.", ((40, 120, 110), (250, 210, 90))),
    ("h", 1, "Fender acoustic guitar", "9500.00", "music", "good", "Mumbai",
     "FA-125, new strings, soft case included.", ((30, 30, 80), (200, 80, 120))),
    ("g", 0, "Trek FX 2 hybrid bike", "24000.00", "sports", "good", "Bengaluru",
     "Medium frame, serviced last month. Pick up in Indiranagar.", ((80, 140, 200), (60, 110, 60))),
    ("g", 1, "Board-game night tee (L)", "450.00", "merch", "new", "Bengaluru",
     "Bought two by mistake, never worn.", ((255, 170, 90), (120, 60, 160))),
]  # fmt: skip


def demo_marketplace(hosts: list[Any]) -> dict[str, int]:
    MarketplaceFee.current()
    guests = demo_guests()
    people = {"h": hosts, "g": guests}
    if not Listing.objects.filter(seller__in=[*hosts, *guests]).exists():
        for i, (kind, index, title, price, category, condition, city, description, colours) in enumerate(LISTINGS):
            seller = people[kind][index]
            picture = demo_picture(*colours, seed=100 + i, size=(800, 600))
            media = media_upload(owner=seller, handle=io.BytesIO(picture), content_type="image/jpeg")
            data = ListingIn(
                title=title,
                description=description,
                price=Decimal(price),
                category=category,
                condition=condition,
                city=city,
            )
            listing_create(seller=seller, data=data, media_ids=[media.id])
    return {"listings": Listing.objects.filter(seller__in=[*hosts, *guests]).count()}
