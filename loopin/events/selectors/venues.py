"""Reads for venues."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q

from loopin.core.errors import NotFound
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import (
    Venue,
)

# ---------------------------------------------------------------- venues


def venue_out(venue: Venue) -> dict[str, Any]:
    return {
        "id": venue.id,
        "name": venue.name,
        "address": venue.address or None,
        "city": venue.city,
        "country_code": venue.country_code,
        "latitude": float(venue.latitude) if venue.latitude is not None else None,
        "longitude": float(venue.longitude) if venue.longitude is not None else None,
        "venue_type": venue.venue_type,
        "capacity": venue.capacity,
        "is_verified": venue.is_verified,
        "created_at": venue.created_at,
    }


def venues_search(*, q: str | None, city: str | None, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    qs = Venue.objects.all()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if city:
        qs = qs.filter(city__iexact=city)
    total = qs.count()
    return [venue_out(v) for v in qs.order_by("-is_verified", "name", "id")[offset : offset + limit]], total


def venue_get(*, venue_id: uuid.UUID) -> dict[str, Any]:

    venue = Venue.objects.filter(id=venue_id).first()
    if venue is None:
        raise NotFound("Venue not found.", code=EventErrorCode.VENUE_NOT_FOUND)
    return venue_out(venue)
