"""Editing a venue's details: whoever the one venue rule (`loopin.venuecommerce.access`) allows `venue` -- a
personal venue's owner, an organisation's owner, admins and managers (by their mapped venue roles), the venue's
managers, and Loopin staff holding `events.change_venue` (audited).

A verified venue whose name, address, city, country or position changes is unverified: staff verified that place,
not the new one.

`venue_move` brings a personal venue into an organisation: only its person (`created_by` while it is personal; not
its managers, not staff), into an organisation where their role allows `events` (the rule for adding a venue
there), once (409 ALREADY_IN_ORGANISATION to whoever runs it now; anyone else gets the 404 a stranger gets). From
then on the organisation's members run it by their mapped venue roles (`access.ORGANISATION_VENUE_ROLES`; the
person too, by theirs), `created_by` only names who added it, and the staff it asked keep working there. Its
events do not move with it: each moves on its own (`events.services.moves.event_move`), since an event's money
and invoices follow its owner; a personal event at an organisation's venue stays its host's.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.db import transaction

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import Conflict, NotFound, ValidationFailed
from loopin.core.models import stamp
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import Venue
from loopin.organisations.error_codes import OrganisationErrorCode
from loopin.organisations.selectors import organisation_for
from loopin.venuecommerce.access import holds, venue_for

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


def venue_move(*, actor: User, venue_id: uuid.UUID, organisation_id: uuid.UUID) -> Venue:
    """Move the caller's personal venue into an organisation where their role allows `events`."""
    with transaction.atomic():
        venue = Venue.objects.select_for_update().filter(id=venue_id).first()
        personal = venue is not None and venue.organisation_id is None and venue.created_by_id == actor.id
        if venue is None or not (personal or (venue.organisation_id is not None and holds(actor, venue.id, "venue"))):
            raise NotFound("Venue not found.", code=EventErrorCode.VENUE_NOT_FOUND)
        if venue.organisation_id is not None:
            raise Conflict(
                "This venue belongs to an organisation already.", code=OrganisationErrorCode.ALREADY_IN_ORGANISATION
            )
        venue.organisation = organisation_for(actor, organisation_id, "events")
        venue.save(update_fields=["organisation", *stamp(venue, actor, "update")])  # post_save: the feed's cache
        audit_record(action="venue.moved", actor=actor, obj=venue, data={"from": "personal"})
    return venue
