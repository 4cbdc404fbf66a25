"""A venue's lots and their pricing rules, managed by the venue's owner (or staff allowed to)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import prefetch_related_objects

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import NotFound, ValidationFailed
from loopin.core.models import stamp
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import Venue
from loopin.parking.access import ensure_can_manage_lots
from loopin.parking.error_codes import ParkingErrorCode
from loopin.parking.models import BandKind, ParkingLot, ParkingPriceBand

LOT_FIELDS = (
    "name",
    "spaces",
    "latitude",
    "longitude",
    "directions",
    "base_rate",
    "min_price",
    "max_price",
    "opens_minutes_before",
    "closes_minutes_after",
    "grace_minutes",
    "is_active",
)

NULLABLE = {"min_price", "max_price"}


@dataclass(frozen=True)
class BandIn:
    kind: str
    threshold: int
    multiplier: Decimal


def _check_caps(lot: ParkingLot) -> None:
    if lot.min_price is not None and lot.max_price is not None and lot.min_price > lot.max_price:
        raise ValidationFailed.one("min_price", "above_max", "min_price is above max_price.")


def _check_bands(bands: list[BandIn]) -> None:
    seen = set()
    for i, band in enumerate(bands):
        if band.kind == BandKind.OCCUPANCY and band.threshold > 100:
            raise ValidationFailed.one(f"bands.{i}.threshold", "above_100", "An occupancy band is a percent (0-100).")
        if (band.kind, band.threshold) in seen:
            raise ValidationFailed.one(f"bands.{i}.threshold", "duplicate", "Two bands of one kind at one threshold.")
        seen.add((band.kind, band.threshold))


def _set_bands(lot: ParkingLot, bands: list[BandIn], actor: User) -> None:
    """Replace the lot's bands; the new ones are all `actor`'s (created and last changed by them)."""
    _check_bands(bands)
    ParkingPriceBand.objects.filter(lot=lot).delete()
    rows = [ParkingPriceBand(lot=lot, kind=b.kind, threshold=b.threshold, multiplier=b.multiplier) for b in bands]
    for row in rows:
        stamp(row, actor, "create")
    ParkingPriceBand.objects.bulk_create(rows)


def parking_lot_create(
    *, actor: User, venue_id: uuid.UUID, bands: list[BandIn] | None = None, **fields: Any
) -> ParkingLot:
    """Add a lot to a venue with its pricing rule and bands (the venue's owner)."""
    venue = Venue.objects.filter(id=venue_id).first()
    if venue is None:
        raise NotFound("Venue not found.", code=EventErrorCode.VENUE_NOT_FOUND)
    ensure_can_manage_lots(actor, venue)
    lot = ParkingLot(venue=venue, **{k: v for k, v in fields.items() if k in LOT_FIELDS})
    _check_caps(lot)
    stamp(lot, actor, "create")
    with transaction.atomic():
        lot.save()
        _set_bands(lot, bands or [], actor)
        audit_record(action="parking.lot_created", actor=actor, obj=lot, data={"venue_id": str(venue.id)})
    prefetch_related_objects([lot], "bands")
    return lot


def parking_lot_update(
    *, actor: User, lot_id: uuid.UUID, bands: list[BandIn] | None = None, **fields: Any
) -> ParkingLot:
    """Change a lot's details or rule; `bands`, when given, replace all of them. New quotes use the change;
    quotes already given and reservations keep their price."""
    with transaction.atomic():
        lot = ParkingLot.objects.select_for_update().select_related("venue").filter(id=lot_id).first()
        if lot is None:
            raise NotFound(code=ParkingErrorCode.LOT_NOT_FOUND)
        ensure_can_manage_lots(actor, lot.venue)
        changed = [k for k in fields if k in LOT_FIELDS and (fields[k] is not None or k in NULLABLE)]
        for name in changed:
            setattr(lot, name, fields[name])
        _check_caps(lot)
        stamp(lot, actor, "update")
        lot.save()
        if bands is not None:
            _set_bands(lot, bands, actor)
        audit_record(action="parking.lot_changed", actor=actor, obj=lot, data={"fields": changed})
    prefetch_related_objects([lot], "bands")
    return lot
