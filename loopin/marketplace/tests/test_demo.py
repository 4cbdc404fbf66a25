"""The demo has a few listings with pictures, for sale to the other demo people."""

from __future__ import annotations

import pytest

from loopin.accounts.demo import DEMO_GUESTS
from loopin.config.demo import demo_load
from loopin.marketplace.models import Listing
from loopin.marketplace.selectors import marketplace_browse
from loopin.testing.factories import UserWithProfileFactory

pytestmark = pytest.mark.django_db


def test_the_demo_lists_four_things_with_a_photo_each():
    demo_load()
    demo_load()  # twice: nothing is added the second time
    assert Listing.objects.count() == 4
    items, total = marketplace_browse(user=UserWithProfileFactory(), offset=0, limit=20, city="Bengaluru")
    assert (total, sorted(i["title"] for i in items)) == (
        3,
        ["Board-game night tee (L)", "Catan (5th edition), complete", "Trek FX 2 hybrid bike"],
    )
    assert all(len(i["photos"]) == 1 for i in items)
    sellers = set(Listing.objects.values_list("seller__phone_number", flat=True))
    assert {DEMO_GUESTS[0][0], DEMO_GUESTS[1][0]} <= sellers
