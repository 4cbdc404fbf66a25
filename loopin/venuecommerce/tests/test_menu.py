"""The menu: items with GST and variants, prices shown before and with GST, availability per event, stock
recounts by concessions staff, prices by managers only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loopin.core.errors import PermissionDenied, ValidationFailed
from loopin.testing.factories import PublishedEventFactory
from loopin.venuecommerce.schemas import MenuOut
from loopin.venuecommerce.selectors import menu_get
from loopin.venuecommerce.services.menu import (
    VariantInput,
    counter_update,
    menu_availability_set,
    menu_item_create,
    menu_item_update,
    menu_variant_update,
)


def _names(menu):
    return [(i.name, [(v.name, v.price) for v in i.variants.all()]) for i in menu.items]


def test_a_manager_adds_an_item_with_variants_and_the_menu_shows_them(world):
    item = menu_item_create(
        user=world.owner,
        venue_id=world.venue.id,
        name="Samosa",
        kind="food",
        gst_rate=Decimal("5"),
        variants=[VariantInput(name="Two", price=Decimal("60.00")), VariantInput(name="Four", price=Decimal("110.00"))],
    )
    assert [(v.name, v.price, v.stock) for v in item.variants.all()] == [
        ("Two", Decimal("60.00"), None),
        ("Four", Decimal("110.00"), None),
    ]
    assert ("Samosa", [("Two", Decimal("60.00")), ("Four", Decimal("110.00"))]) in _names(
        menu_get(venue_id=world.venue.id)
    )


@pytest.mark.parametrize("rate", ["3", "30", "17.5"])
def test_gst_is_one_of_the_indian_rates(world, rate):
    with pytest.raises(ValidationFailed):
        menu_item_create(
            user=world.owner, venue_id=world.venue.id, name="X", kind="food", gst_rate=Decimal(rate),
            variants=[VariantInput(name="R", price=Decimal("1"))],
        )  # fmt: skip


def test_an_item_switched_off_for_one_event_is_off_there_only(world):
    other = PublishedEventFactory(venue=world.venue)
    menu_availability_set(
        user=world.owner,
        venue_id=world.venue.id,
        item_id=world.tee.item_id,
        event_id=world.event.id,
        is_available=False,
    )
    assert "Tour tee" not in [i.name for i in menu_get(venue_id=world.venue.id, event_id=world.event.id).items]
    assert "Tour tee" in [i.name for i in menu_get(venue_id=world.venue.id, event_id=other.id).items]
    menu_item_update(user=world.owner, venue_id=world.venue.id, item_id=world.chai.item_id, is_active=False)
    menu_availability_set(
        user=world.owner, venue_id=world.venue.id, item_id=world.chai.item_id, event_id=other.id, is_available=True
    )
    assert "Masala chai" not in [i.name for i in menu_get(venue_id=world.venue.id, event_id=world.event.id).items]
    assert "Masala chai" in [i.name for i in menu_get(venue_id=world.venue.id, event_id=other.id).items]


def test_concessions_staff_recount_stock_and_close_a_counter_but_do_not_set_prices(world, concessions_staff):
    item = menu_variant_update(user=concessions_staff, venue_id=world.venue.id, variant_id=world.tee.id, stock=10)
    assert [v.stock for v in item.variants.all()] == [10]
    assert (
        counter_update(
            user=concessions_staff, venue_id=world.venue.id, counter_id=world.counter.id, is_open=False
        ).is_open
        is False
    )
    with pytest.raises(PermissionDenied):
        menu_variant_update(
            user=concessions_staff, venue_id=world.venue.id, variant_id=world.tee.id, price=Decimal("1")
        )
    world.tee.refresh_from_db()
    assert world.tee.price == Decimal("799.00")


def test_the_menu_shows_the_price_with_gst_and_hides_closed_counters(world):
    menu = MenuOut.from_model(menu_get(venue_id=world.venue.id)).model_dump(mode="json")
    tee = next(i for i in menu["items"] if i["name"] == "Tour tee")
    assert tee["variants"][0] | {"id": None} == {
        "id": None, "name": "M", "price": "799.00", "price_with_gst": "894.88", "stock": 3, "sold_out": False,
        "is_active": True,
    }  # fmt: skip
    assert [c["name"] for c in menu["counters"]] == ["Main bar"]
