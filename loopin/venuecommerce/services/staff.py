"""Venue staff: the people a venue's owner (or managers) ask to work there, in one role each.

Asked by phone number or handle, like co-hosts (`loopin.events.services.cohosts`): the person gets a notification
and has the role's powers (`loopin.venuecommerce.access.ROLE_ACTIONS`) once they accept. Declining, leaving and
removal delete the row, so the powers go at once. Managers are asked and removed by the owner only (or Loopin
staff allowed `staff`); managers ask and remove the other roles.
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, PermissionDenied, ValidationFailed
from loopin.events.models import Venue
from loopin.people.services.lookup import person_to_ask
from loopin.venuecommerce import notify
from loopin.venuecommerce.access import is_owner, venue_for, venue_may
from loopin.venuecommerce.error_codes import VenueCommerceErrorCode
from loopin.venuecommerce.models import StaffRole, VenueStaff
from loopin.venuecommerce.selectors import staff_rows


def _ensure_may_handle_role(actor: User, venue: Venue, role: str) -> None:
    """Managers are the owner's to give (or a staff member's allowed `managers`); the rest a manager's too."""
    if role == StaffRole.MANAGER and not venue_may(actor, venue, "managers"):
        raise PermissionDenied(
            "Only the venue's owner can add or remove managers.",
            code=VenueCommerceErrorCode.VENUE_ROLE_REQUIRED,
            details={"roles": ["owner"]},
        )


def venue_staff_add(
    *, actor: User, venue_id: uuid.UUID, role: str, phone_number: str | None = None, handle: str | None = None
) -> VenueStaff:
    """Ask a person (by phone number or handle) to work at the venue in `role`; powers once they accept."""
    if not phone_number and not handle:
        raise ValidationFailed.one("phone_number", "missing", "Give a phone number or a handle.")
    if role not in StaffRole.values:
        raise ValidationFailed.one("role", "invalid", f"Role is one of {', '.join(StaffRole.values)}.")
    with transaction.atomic():
        venue = venue_for(actor, venue_id, "staff", lock=True)
        _ensure_may_handle_role(actor, venue, role)
        person = person_to_ask(asker=actor, phone_number=phone_number, handle=handle)
        if is_owner(person, venue):
            raise BusinessRuleError(
                "The owner runs the venue already.", code=VenueCommerceErrorCode.VENUE_STAFF_IS_OWNER
            )
        try:
            with transaction.atomic():
                row = VenueStaff.objects.create(venue=venue, user=person, role=role, added_by=actor)
        except IntegrityError:
            raise Conflict(
                "This person already works at this venue (or is asked to).",
                code=VenueCommerceErrorCode.VENUE_STAFF_EXISTS,
            ) from None
        audit_record(action="venue_staff.invited", actor=actor, obj=venue, subject=person, data={"role": role})
        notify.after_commit(notify.staff_invited, staff_id=row.id)
    return staff_rows().get(id=row.id)


def venue_staff_accept(*, user: User, venue_id: uuid.UUID) -> VenueStaff:
    """The asked person accepts: the role's powers start now (accepting twice is a no-op)."""
    row = _respond(user=user, venue_id=venue_id, accept=True)
    assert row is not None  # accepting keeps the row
    return row


def venue_staff_decline(*, user: User, venue_id: uuid.UUID) -> None:
    """The asked person declines: the invitation goes."""
    _respond(user=user, venue_id=venue_id, accept=False)


def _respond(*, user: User, venue_id: uuid.UUID, accept: bool) -> VenueStaff | None:
    with transaction.atomic():
        row = (
            VenueStaff.objects.select_for_update().select_related("venue").filter(venue_id=venue_id, user=user).first()
        )
        if row is None:
            raise NotFound(
                "You are not asked to work at this venue.", code=VenueCommerceErrorCode.VENUE_STAFF_NOT_FOUND
            )
        if not accept:
            row.delete()
            audit_record(action="venue_staff.declined", actor=user, obj=row.venue, subject=user)
            return None
        if row.accepted_at is None:
            row.accepted_at = timezone.now()
            row.save(update_fields=["accepted_at"])
            audit_record(
                action="venue_staff.accepted", actor=user, obj=row.venue, subject=user, data={"role": row.role}
            )
    return staff_rows().get(id=row.id)


def venue_staff_remove(*, actor: User, venue_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """The owner or a manager removes someone (managers: the owner only), or a person leaves; powers go at once."""
    with transaction.atomic():
        leaving = user_id == actor.id
        row = (
            VenueStaff.objects.select_for_update()
            .select_related("venue", "user")
            .filter(venue_id=venue_id, user_id=user_id)
            .first()
        )
        if not leaving:
            venue = venue_for(actor, venue_id, "staff")
            if row is not None:
                _ensure_may_handle_role(actor, venue, row.role)
        if row is None:
            raise NotFound(
                "This person does not work at this venue.", code=VenueCommerceErrorCode.VENUE_STAFF_NOT_FOUND
            )
        row.delete()
        audit_record(
            action="venue_staff.left" if leaving else "venue_staff.removed",
            actor=actor,
            obj=row.venue,
            subject=row.user,
            data={"role": row.role},
        )


def venue_staff_leave(*, user: User, venue_id: uuid.UUID) -> None:
    """Stop working at a venue (or drop the invitation); the powers end at once."""
    venue_staff_remove(actor=user, venue_id=venue_id, user_id=user.id)
