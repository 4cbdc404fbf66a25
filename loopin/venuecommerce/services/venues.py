"""Editing a venue's details: whoever the one venue rule (`loopin.venuecommerce.access`) allows `venue` -- a
personal venue's owner, an organisation's owner, admins and managers (by their mapped venue roles), the venue's
managers, and Loopin staff holding `events.change_venue` (audited).

A verified venue whose name, address, city, country or position changes is unverified: staff verified that place,
not the new one.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.db import transaction

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import ValidationFailed
from loopin.core.models import stamp
from loopin.events.models import Venue
from loopin.venuecommerce.access import venue_for

EDITABLE = ("name", "address", "city", "country_code", "latitude", "longitude", "venue_type", "capacity")
# What staff verified: changing any of these asks for verification again.
VERIFIED_PLACE = frozenset({"name", "address", "city", "country_code", "latitude", "longitude"})


def venue_update(*, actor: User, venue_id: uuid.UUID, changes: Mapping[str, object]) -> Venue:
    """Change a venue's details (what is given); changing the place a verified venue is unverifies it."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationFailed.one(unknown[0], "unknown", "This field cannot be changed.")
    with transaction.atomic():
        venue = venue_for(actor, venue_id, "venue", lock=True)
        values = dict(changes)
        if isinstance(values.get("country_code"), str):
            values["country_code"] = str(values["country_code"]).upper()
        changed = sorted(k for k, v in values.items() if getattr(venue, k) != v)
        for k in changed:
            setattr(venue, k, values[k])
        if (venue.latitude is None) != (venue.longitude is None):
            raise ValidationFailed.one("latitude", "coordinates_pair", "Give both latitude and longitude, or neither.")
        unverified = venue.is_verified and bool(VERIFIED_PLACE.intersection(changed))
        if unverified:
            venue.is_verified = False
            changed.append("is_verified")
        if changed:
            venue.save(update_fields=[*changed, *stamp(venue, actor, "update")])
            audit_record(action="venue.updated", actor=actor, obj=venue, data={"fields": changed})
    return venue
