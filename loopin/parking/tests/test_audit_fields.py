"""Audit fields of a venue's parking lots and their price bands: whoever adds a lot is its creator, whoever changes
it (the owner, a manager) its last editor; bands are replaced whole, so the new ones are all the editor's; the admin
shows both; erasure empties them."""

from __future__ import annotations

import re
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from loopin.core.account_hooks import erase_audit_fields
from loopin.parking.models import ParkingLot, ParkingPriceBand
from loopin.parking.services.lots import BandIn, parking_lot_create, parking_lot_update
from loopin.venuecommerce.models import StaffRole
from loopin.venuecommerce.tests.conftest import staff_member


def _by(obj) -> tuple:
    obj.refresh_from_db()
    return (obj.created_by_id, obj.updated_by_id)


def _lot(owner, venue) -> ParkingLot:
    return parking_lot_create(
        actor=owner,
        venue_id=venue.id,
        name="East lot",
        spaces=20,
        latitude=Decimal("12.971000"),
        longitude=Decimal("77.594000"),
        base_rate=Decimal("40.00"),
        bands=[BandIn(kind="occupancy", threshold=80, multiplier=Decimal("1.50"))],
    )


def _bands(lot) -> list[tuple]:
    return list(ParkingPriceBand.objects.filter(lot=lot).values_list("threshold", "created_by_id", "updated_by_id"))


def test_the_owner_adds_a_lot_and_a_manager_changes_it_and_its_bands(owner, venue):
    manager = staff_member(venue, StaffRole.MANAGER)
    lot = _lot(owner, venue)
    assert _by(lot) == (owner.id, owner.id)
    assert _bands(lot) == [(80, owner.id, owner.id)]

    parking_lot_update(actor=manager, lot_id=lot.id, directions="Enter from 5th Cross")
    assert _by(lot) == (owner.id, manager.id)
    assert _bands(lot) == [(80, owner.id, owner.id)]  # bands not given: left as they were

    parking_lot_update(
        actor=manager, lot_id=lot.id, bands=[BandIn(kind="occupancy", threshold=90, multiplier=Decimal("2.00"))]
    )
    assert _by(lot) == (owner.id, manager.id)
    assert _bands(lot) == [(90, manager.id, manager.id)]
    assert lot.directions == "Enter from 5th Cross"


def test_the_admin_shows_who_added_and_changed_a_lot_and_its_bands(owner, venue):
    manager = staff_member(venue, StaffRole.MANAGER)
    lot = _lot(owner, venue)
    parking_lot_update(actor=manager, lot_id=lot.id, spaces=25)
    staff = type(owner).objects.create_user(phone_number="+919812300001", name="Support", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_parkinglot", "view_parkingpriceband"]))
    client = Client()
    client.force_login(staff)

    html = client.get(reverse("admin:parking_parkinglot_change", args=[lot.id])).content.decode()

    def shown(field: str) -> list[str]:
        own = re.findall(rf'field-{field}">.*?<div class="readonly">(.*?)</div>', html, re.S)
        rows = re.findall(rf'<td class="field-{field}">\s*<p>(.*?)</p>', html, re.S)
        return [re.sub(r"<[^>]+>", "", text).strip() for text in own + rows]

    assert shown("created_by") == [str(owner), str(owner)]  # the lot, then its band
    assert shown("updated_by") == [str(manager), str(owner)]


def test_erasing_the_person_empties_the_lots_audit_fields(owner, venue):
    lot = _lot(owner, venue)
    erase_audit_fields(owner)
    assert _by(lot) == (None, None)
    assert _bands(lot) == [(80, None, None)]
