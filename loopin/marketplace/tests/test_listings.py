"""Listings: selling with photos from the media pipeline, browsing with filters and search, blocks both ways,
changes while nobody pays, mark sold, removal, reports and takedowns."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from loopin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from loopin.marketplace.models import Listing, ListingPhoto, ListingStatus
from loopin.marketplace.selectors import marketplace_browse, marketplace_listing
from loopin.marketplace.services.listings import listing_mark_sold, listing_remove, listing_update
from loopin.marketplace.services.orders import marketplace_buy
from loopin.marketplace.tests.conftest import listing, photo
from loopin.media.models import Media
from loopin.people.models import Report
from loopin.people.services.blocks import block_create
from loopin.people.services.reports import report_create, report_take_down
from loopin.testing.factories import UserWithProfileFactory

pytestmark = pytest.mark.django_db


def _titles(viewer, **filters) -> list[str]:
    items, total = marketplace_browse(user=viewer, offset=0, limit=50, **filters)
    assert total == len(items)
    return [i["title"] for i in items]


def test_a_listing_keeps_its_photos_in_order_from_the_media_pipeline():
    seller = UserWithProfileFactory(name="Sana Seller")
    made = listing(seller, photos=2)
    data = marketplace_listing(user=UserWithProfileFactory(), listing_id=made.id)
    assert [p["id"] for p in data["photos"]] == [p.media_id for p in made.photos.order_by("position")]
    assert all(p["kind"] == "image" and p["status"] == "ready" for p in data["photos"])
    assert (data["seller"]["name"], data["price"], data["status"], data["is_mine"]) == (
        "Sana Seller",
        "12000.00",
        "active",
        False,
    )


def test_someone_elses_upload_cannot_be_a_listing_photo():
    seller, other = UserWithProfileFactory(), UserWithProfileFactory()
    theirs = photo(other)
    with pytest.raises(ValidationFailed) as exc:
        listing_update(seller=seller, listing_id=listing(seller).id, fields={}, media_ids=[theirs.id])
    assert exc.value.details["fields"][0]["code"] == "MEDIA_NOT_FOUND"


def test_browse_filters_by_category_city_condition_and_price_and_searches():
    seller, viewer = UserWithProfileFactory(), UserWithProfileFactory()
    listing(seller, title="Road bike", price="12000.00")
    listing(seller, title="Guitar amp", price="4500.00", category="music", condition="good", city="Mumbai")
    listing(seller, title="Acoustic guitar", price="7000.00", category="music", description="Warm tone, with a bag.")
    assert _titles(viewer) == ["Acoustic guitar", "Guitar amp", "Road bike"]
    assert _titles(viewer, category="music") == ["Acoustic guitar", "Guitar amp"]
    assert _titles(viewer, city="mumbai") == ["Guitar amp"]
    assert _titles(viewer, condition="like_new") == ["Acoustic guitar", "Road bike"]
    assert _titles(viewer, min_price=Decimal("5000"), max_price=Decimal("10000")) == ["Acoustic guitar"]
    assert _titles(viewer, q="guitar") == ["Acoustic guitar", "Guitar amp"]
    assert _titles(viewer, q="warm bag") == ["Acoustic guitar"]


def test_blocks_hide_listings_both_ways_and_stop_buying():
    seller, blocker, blocked = UserWithProfileFactory(), UserWithProfileFactory(), UserWithProfileFactory()
    made = listing(seller)
    block_create(user=blocker, blocked_id=seller.id)  # the viewer blocked the seller
    block_create(user=seller, blocked_id=blocked.id)  # the seller blocked the viewer
    for viewer in (blocker, blocked):
        assert _titles(viewer) == []
        with pytest.raises(NotFound) as exc:
            marketplace_listing(user=viewer, listing_id=made.id)
        assert exc.value.code == "LISTING_NOT_FOUND"
        with pytest.raises(NotFound):
            marketplace_buy(buyer=viewer, listing_id=made.id)
    assert _titles(UserWithProfileFactory()) == ["Road bike"]


def test_only_the_seller_changes_a_listing_and_not_while_a_buyer_pays():
    seller = UserWithProfileFactory()
    made = listing(seller)
    with pytest.raises(PermissionDenied) as exc:
        listing_update(seller=UserWithProfileFactory(), listing_id=made.id, fields={"price": Decimal("1.00")})
    assert exc.value.code == "NOT_LISTING_SELLER"
    changed = listing_update(seller=seller, listing_id=made.id, fields={"price": Decimal("11000.00"), "title": None})
    assert (changed.price, changed.title) == (Decimal("11000.00"), "Road bike")
    marketplace_buy(buyer=UserWithProfileFactory(), listing_id=made.id)
    with pytest.raises(Conflict) as exc:
        listing_update(seller=seller, listing_id=made.id, fields={"price": Decimal("1.00")})
    assert exc.value.code == "LISTING_PRICE_LOCKED"
    assert Listing.objects.get(id=made.id).price == Decimal("11000.00")


def test_mark_sold_takes_it_off_the_market_and_removal_erases_its_photos():
    seller, viewer = UserWithProfileFactory(), UserWithProfileFactory()
    sold = listing(seller, title="Sold elsewhere")
    gone = listing(seller, title="Taken down", photos=1)
    media_id = gone.photos.get().media_id
    assert listing_mark_sold(seller=seller, listing_id=sold.id).status == ListingStatus.SOLD
    listing_remove(seller=seller, listing_id=gone.id)
    assert _titles(viewer) == []
    assert marketplace_listing(user=viewer, listing_id=sold.id)["status"] == "sold"
    with pytest.raises(NotFound):
        marketplace_listing(user=viewer, listing_id=gone.id)
    assert not Media.objects.filter(id=media_id).exists()
    with pytest.raises(Conflict):
        listing_mark_sold(seller=seller, listing_id=sold.id)


def test_a_listing_is_reported_through_the_moderation_queue():
    seller, reporter = UserWithProfileFactory(), UserWithProfileFactory()
    made = listing(seller, photos=1)
    report = report_create(
        user=reporter, subject_id=None, category="spam", target_type="listing", target_id=str(made.id)
    )
    assert (report.subject_id, report.target_type, report.target_id) == (seller.id, "listing", str(made.id))
    assert Report.objects.filter(target_type="listing").count() == 1
    moderator = UserWithProfileFactory(is_staff=True)
    moderator.user_permissions.add(*Permission.objects.filter(codename__in=["take_down_content", "moderate_report"]))
    report_take_down(report_id=report.id, staff=moderator)
    assert Listing.objects.get(id=made.id).status == ListingStatus.REMOVED
    assert not ListingPhoto.objects.filter(listing=made).exists()


def test_a_listing_one_cannot_see_cannot_be_reported():
    seller, reporter = UserWithProfileFactory(), UserWithProfileFactory()
    made = listing(seller)
    block_create(user=seller, blocked_id=reporter.id)
    with pytest.raises(NotFound) as exc:
        report_create(user=reporter, subject_id=None, category="spam", target_type="listing", target_id=str(made.id))
    assert exc.value.code == "LISTING_NOT_FOUND"
