"""Parking's reads, shaped for the API: an event's lots with spaces left and today's price, a venue's lots,
the guest's reservations (a confirmed one with its signed pass) and overstay charges."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from loopin.accounts.models import User
from loopin.core.errors import NotFound
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import Venue
from loopin.events.selectors.access import event_for
from loopin.parking.error_codes import ParkingErrorCode
from loopin.parking.models import (
    OverstayCharge,
    ParkingInventory,
    ParkingLot,
    ParkingPriceBand,
    ParkingQuote,
    ParkingReservation,
    ReservationStatus,
)
from loopin.parking.passes import pass_token
from loopin.parking.pricing import price_for


def band_data(band: ParkingPriceBand) -> dict[str, Any]:
    return {"kind": band.kind, "threshold": band.threshold, "multiplier": str(band.multiplier)}


def lot_data(lot: ParkingLot) -> dict[str, Any]:
    """A lot and its rule (bands prefetched or loaded)."""
    return {
        "id": lot.id,
        "venue_id": lot.venue_id,
        "name": lot.name,
        "spaces": lot.spaces,
        "latitude": str(lot.latitude),
        "longitude": str(lot.longitude),
        "directions": lot.directions,
        "currency": lot.currency,
        "base_rate": str(lot.base_rate),
        "min_price": str(lot.min_price) if lot.min_price is not None else None,
        "max_price": str(lot.max_price) if lot.max_price is not None else None,
        "opens_minutes_before": lot.opens_minutes_before,
        "closes_minutes_after": lot.closes_minutes_after,
        "grace_minutes": lot.grace_minutes,
        "is_active": lot.is_active,
        "bands": [band_data(b) for b in lot.bands.all()],
    }


def _lots(venue_id: uuid.UUID | None) -> QuerySet[ParkingLot]:
    if venue_id is None:  # an event with no venue has no lots
        return ParkingLot.objects.none()
    bands = Prefetch("bands", queryset=ParkingPriceBand.objects.order_by("kind", "threshold"))
    return ParkingLot.objects.filter(venue_id=venue_id, is_active=True).prefetch_related(bands).order_by("name")


def venue_lots(*, venue_id: uuid.UUID) -> list[dict[str, Any]]:
    """A venue's active lots with their pricing rules."""
    if not Venue.objects.filter(id=venue_id).exists():
        raise NotFound("Venue not found.", code=EventErrorCode.VENUE_NOT_FOUND)
    return [lot_data(lot) for lot in _lots(venue_id)]


def event_parking(*, user: User | None, event_id: uuid.UUID) -> list[dict[str, Any]]:
    """The lots at the event's venue: spaces left for this event and what a space costs right now (a quote
    fixes the price for a few minutes)."""
    event = event_for(user, event_id)
    lots = list(_lots(event.venue_id)) if event.venue_id else []
    taken = dict(ParkingInventory.objects.filter(event=event, lot__in=lots).values_list("lot_id", "spaces_taken"))
    now = timezone.now()
    out = []
    for lot in lots:
        used = taken.get(lot.id, 0)
        price = price_for(
            lot, list(lot.bands.all()), spaces_taken=used, event_start=event.start_at, event_end=event.end_at, now=now
        )
        out.append({**lot_data(lot), "spaces_left": max(lot.spaces - used, 0), "price_now": str(price.price)})
    return out


def quote_data(quote: ParkingQuote) -> dict[str, Any]:
    return {
        "id": quote.id,
        "lot_id": quote.lot_id,
        "event_id": quote.event_id,
        "price": str(quote.price),
        "currency": quote.currency,
        "breakdown": quote.breakdown,
        "reserved_from": quote.reserved_from,
        "reserved_until": quote.reserved_until,
        "expires_at": quote.expires_at,
    }


def charge_data(charge: OverstayCharge) -> dict[str, Any]:
    return {
        "id": charge.id,
        "reservation_id": charge.reservation_id,
        "minutes": charge.minutes,
        "hours_charged": charge.hours_charged,
        "amount": str(charge.amount),
        "currency": charge.currency,
        "status": charge.status,
        "paid_at": charge.paid_at,
    }


def reservation_data(reservation: ParkingReservation, *, with_pass: bool = False) -> dict[str, Any]:
    """A reservation (its lot loaded); `with_pass` signs its QR when it is confirmed."""
    confirmed = reservation.status == ReservationStatus.CONFIRMED
    overstay = getattr(reservation, "overstay", None) if reservation.status == ReservationStatus.COMPLETED else None
    return {
        "id": reservation.id,
        "event_id": reservation.event_id,
        "lot": {
            "id": reservation.lot.id,
            "name": reservation.lot.name,
            "latitude": str(reservation.lot.latitude),
            "longitude": str(reservation.lot.longitude),
            "directions": reservation.lot.directions,
        },
        "status": reservation.status,
        "price": str(reservation.price),
        "currency": reservation.currency,
        "vehicle_plate": reservation.vehicle_plate or None,
        "reserved_from": reservation.reserved_from,
        "reserved_until": reservation.reserved_until,
        "hold_expires_at": reservation.hold_expires_at,
        "inside": reservation.inside,
        "entered_at": reservation.entered_at,
        "exited_at": reservation.exited_at,
        "qr": pass_token(reservation) if with_pass and confirmed else None,
        "overstay": charge_data(overstay) if overstay is not None else None,
        "created_at": reservation.created_at,
    }


def my_reservations(*, user: User, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """The caller's parking reservations, newest first (passes come with each one's detail)."""
    rows = ParkingReservation.objects.filter(user=user).select_related("lot", "overstay").order_by("-created_at")
    return [reservation_data(r) for r in rows[offset : offset + limit]], rows.count()


def my_reservation(*, user: User, reservation_id: uuid.UUID) -> dict[str, Any]:
    """One of the caller's reservations; a confirmed one with its signed parking pass (`qr`)."""
    reservation = (
        ParkingReservation.objects.select_related("lot", "overstay").filter(id=reservation_id, user=user).first()
    )
    if reservation is None:
        raise NotFound(code=ParkingErrorCode.RESERVATION_NOT_FOUND)
    return reservation_data(reservation, with_pass=True)
