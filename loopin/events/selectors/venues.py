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
from loopin.organisations.models import Organisation

# ---------------------------------------------------------------- venues


def organisation_out(org: Organisation | None) -> dict[str, Any] | None:
    """The brief of the organisation an event or a venue belongs to (None: personal, or the organisation deleted)."""
    if org is None or org.deleted_at is not None:
        return None
    return {
        "id": org.id,
        "name": org.name,
        "handle": org.handle,
        "is_verified": org.is_verified,
        "logo": org.logo_url or None,
    }


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
        "organisation": organisation_out(venue.organisation if venue.organisation_id is not None else None),
        "created_at": venue.created_at,
    }


def venues_search(*, q: str | None, city: str | None, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    qs = Venue.objects.select_related("organisation")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if city:
        qs = qs.filter(city__iexact=city)
    total = qs.count()
    return [venue_out(v) for v in qs.order_by("-is_verified", "name", "id")[offset : offset + limit]], total


def venue_get(*, venue_id: uuid.UUID) -> dict[str, Any]:
    venue = Venue.objects.select_related("organisation").filter(id=venue_id).first()
    if venue is None:
        raise NotFound("Venue not found.", code=EventErrorCode.VENUE_NOT_FOUND)
    return venue_out(venue)
