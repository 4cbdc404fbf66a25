"""Writes for venues."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.events.models import (
    Venue,
)
from loopin.events.services.rules import ensure_can_host
from loopin.organisations.selectors import organisation_for


@dataclass
class VenueInput:
    name: str
    city: str
    address: str = ""
    country_code: str = "IN"
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    venue_type: str = "indoor"
    capacity: int | None = None
    organisation_id: uuid.UUID | None = None


def venue_create(*, user: User, data: VenueInput) -> Venue:
    """Hosts add venues; staff verify them in the admin. With `organisation_id`, as that organisation's venue (the
    caller's role there must allow `events`: 404 to anyone not a member now, 403 to a smaller role)."""
    ensure_can_host(user)
    organisation = organisation_for(user, data.organisation_id, "events") if data.organisation_id is not None else None
    with transaction.atomic():
        venue = Venue.objects.create(
            created_by=user,
            updated_by=user,
            organisation=organisation,
            name=data.name,
            city=data.city,
            address=data.address,
            country_code=data.country_code.upper(),
            latitude=data.latitude,
            longitude=data.longitude,
            venue_type=data.venue_type,
            capacity=data.capacity,
        )
        audit_record(action="venue.created", actor=user, obj=venue)
    return venue
