"""Audit fields of the venue's menu: whoever adds an item or a variant is its creator, whoever changes it (a manager,
concessions staff recounting stock) its last editor; the admin shows both; erasure empties them."""

from __future__ import annotations

import re
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from loopin.core.account_hooks import erase_audit_fields
from loopin.venuecommerce.models import EventAvailability, MenuItem, MenuVariant, StaffRole
from loopin.venuecommerce.services.menu import (
    VariantInput,
    counter_create,
    counter_update,
    menu_availability_set,
    menu_item_create,
    menu_item_update,
    menu_variant_add,
    menu_variant_update,
)
from loopin.venuecommerce.tests.conftest import staff_member


def _by(obj) -> tuple:
    obj.refresh_from_db()
    return (obj.created_by_id, obj.updated_by_id)


def _item(world) -> MenuItem:
    return menu_item_create(
        user=world.owner,
        venue_id=world.venue.id,
        name="Cold coffee",
        kind="drink",
        gst_rate=Decimal("5"),
        variants=[VariantInput(name="Glass", price=Decimal("120.00"), stock=10)],
    )


def test_the_owner_adds_an_item_and_a_manager_and_concessions_staff_change_it(world):
    manager = staff_member(world.venue, StaffRole.MANAGER)
    concessions = staff_member(world.venue, StaffRole.CONCESSIONS)
    item = _item(world)
    glass = MenuVariant.objects.get(item=item, name="Glass")
    assert (_by(item), _by(glass)) == ((world.owner.id, world.owner.id), (world.owner.id, world.owner.id))

    menu_item_update(user=manager, venue_id=world.venue.id, item_id=item.id, description="With ice cream")
    menu_variant_add(
        user=manager, venue_id=world.venue.id, item_id=item.id, variant=VariantInput("Jug", Decimal("300"))
    )
    menu_variant_update(user=concessions, venue_id=world.venue.id, variant_id=glass.id, stock=4)

    jug = MenuVariant.objects.get(item=item, name="Jug")
    assert _by(item) == (world.owner.id, manager.id)
    assert _by(jug) == (manager.id, manager.id)
    assert _by(glass) == (world.owner.id, concessions.id)
    assert (item.description, glass.stock) == ("With ice cream", 4)


def test_the_admin_shows_who_added_and_changed_an_item_and_its_variants(world):
    manager = staff_member(world.venue, StaffRole.MANAGER)
    item = _item(world)
    menu_item_update(user=manager, venue_id=world.venue.id, item_id=item.id, position=3)
    staff = type(world.owner).objects.create_user(phone_number="+919812300000", name="Support", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_menuitem", "view_menuvariant"]))
    client = Client()
    client.force_login(staff)

    html = client.get(reverse("admin:venuecommerce_menuitem_change", args=[item.id])).content.decode()

    def shown(field: str) -> list[str]:
        own = re.findall(rf'field-{field}">.*?<div class="readonly">(.*?)</div>', html, re.S)
        rows = re.findall(rf'<td class="field-{field}">\s*<p>(.*?)</p>', html, re.S)
        return [re.sub(r"<[^>]+>", "", text).strip() for text in own + rows]

    assert shown("created_by") == [str(world.owner), str(world.owner)]  # the item, then its variant
    assert shown("updated_by") == [str(manager), str(world.owner)]


def test_erasing_the_person_empties_the_menus_audit_fields(world):
    item = _item(world)
    erase_audit_fields(world.owner)
    assert _by(item) == (None, None)
    assert _by(MenuVariant.objects.get(item=item)) == (None, None)


def test_counters_and_availability_name_who_added_and_changed_them(world):
    manager = staff_member(world.venue, StaffRole.MANAGER)
    concessions = staff_member(world.venue, StaffRole.CONCESSIONS)
    counter = counter_create(user=world.owner, venue_id=world.venue.id, name="Rooftop bar")
    assert _by(counter) == (world.owner.id, world.owner.id)

    counter_update(user=concessions, venue_id=world.venue.id, counter_id=counter.id, is_open=False)
    assert _by(counter) == (world.owner.id, concessions.id)

    item = world.chai.item
    menu_availability_set(
        user=world.owner, venue_id=world.venue.id, item_id=item.id, event_id=world.event.id, is_available=False
    )
    row = EventAvailability.objects.get(item=item, event=world.event)
    assert (_by(row), row.is_available) == ((world.owner.id, world.owner.id), False)

    menu_availability_set(
        user=manager, venue_id=world.venue.id, item_id=item.id, event_id=world.event.id, is_available=True
    )
    assert (_by(row), row.is_available) == ((world.owner.id, manager.id), True)
