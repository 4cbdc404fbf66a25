"""The validated fields of an event and how they are applied to a model (create and update share them)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from loopin.accounts.models import Interest
from loopin.core.errors import ValidationFailed
from loopin.core.settings import get_settings
from loopin.events.models import (
    Event,
    Venue,
)


@dataclass
class EventInput:
    """Validated event fields (shape rules are in schemas). None means 'not given' on update."""

    title: str | None = None
    description: str | None = None
    venue_id: uuid.UUID | None = None
    location_text: str | None = None
    city: str | None = None
    country_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    start_at: datetime | None = None
    end_at: datetime | None = None
    duration_hours: float | None = None
    capacity: int | None = None
    is_paid: bool | None = None
    ticket_price: Decimal | None = None
    currency: str | None = None
    allow_plus_one: bool | None = None
    allowed_genders: list[str] | None = None
    interest_ids: list[int] | None = None
    cover_image_urls: list[str] | None = None
    join_mode: str | None = None
    visibility: str | None = None
    rsvp_expiry_policy: str | None = None
    publish: bool = False
    organisation_id: uuid.UUID | None = None  # on creation only
    given: set[str] = field(default_factory=set)


def _apply_location(event: Event, data: EventInput) -> None:
    if data.venue_id is not None:
        venue = Venue.objects.filter(id=data.venue_id).first()
        if venue is None:
            raise ValidationFailed.one("venue_id", "UNKNOWN_VENUE", "No venue has this id.")
        event.venue = venue
        event.city = venue.city
        event.country_code = venue.country_code
        event.latitude = float(venue.latitude) if venue.latitude is not None else None
        event.longitude = float(venue.longitude) if venue.longitude is not None else None
        if data.location_text is not None:
            event.location_text = data.location_text
        return
    if data.location_text is not None:
        event.venue = None
        event.location_text = data.location_text
    for name in ("city", "country_code", "latitude", "longitude"):
        value = getattr(data, name)
        if value is not None:
            setattr(event, name, value.upper() if name == "country_code" else value)


def _apply_times(event: Event, data: EventInput) -> None:
    if data.start_at is not None:
        duration = event.end_at - event.start_at if event.end_at and event.start_at else None
        event.start_at = data.start_at
        if data.end_at is None and data.duration_hours is None and duration is not None:
            event.end_at = data.start_at + duration  # moving an event keeps its length
    if data.end_at is not None:
        event.end_at = data.end_at
    elif data.duration_hours is not None:
        event.end_at = event.start_at + timedelta(hours=data.duration_hours)
    if event.start_at is None or event.end_at is None:
        raise ValidationFailed.one("end_at", "MISSING", "Give end_at or duration_hours.")
    if event.end_at <= event.start_at:
        raise ValidationFailed.one("end_at", "END_BEFORE_START", "The event must end after it starts.")
    settings = get_settings()
    if event.end_at - event.start_at > timedelta(hours=settings.EVENT_MAX_DURATION_HOURS):
        raise ValidationFailed.one("end_at", "TOO_LONG", "The event is too long.")
    if data.start_at is not None and event.start_at > timezone.now() + timedelta(days=settings.EVENT_MAX_LEAD_DAYS):
        raise ValidationFailed.one(
            "start_at", "TOO_FAR_AHEAD", f"An event starts within {settings.EVENT_MAX_LEAD_DAYS} days from now."
        )


def _apply_pricing(event: Event, data: EventInput) -> None:
    if data.is_paid is not None:
        event.is_paid = data.is_paid
    if data.ticket_price is not None:
        event.ticket_price = data.ticket_price
    if data.currency is not None:
        event.currency = data.currency.upper()
    if event.is_paid and event.ticket_price <= 0:
        raise ValidationFailed.one("ticket_price", "PRICE_REQUIRED", "A paid event needs a ticket price above 0.")
    if not event.is_paid:
        event.ticket_price = Decimal("0.00")


def _interests(ids: list[int]) -> list[Interest]:
    found = {i.id: i for i in Interest.objects.filter(id__in=ids, is_active=True)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed.one(
            "interest_ids", "INVALID_INTEREST", f"Unknown or inactive interest ids: {', '.join(map(str, missing))}."
        )
    return [found[i] for i in ids]
