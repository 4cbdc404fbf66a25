"""Who may do what at a venue: the one table, and the one rule that reads it.

Four kinds of people run a venue's commerce: the owner of a personal venue (`Venue.created_by`, everything); the
members of the organisation owning an organisation's venue, in the venue role their organisation role maps to
(`ORGANISATION_VENUE_ROLES`; the member who added it holds nothing by that alone); the people it asked to work
there who accepted, in one role each (what `ROLE_ACTIONS` lists); and Loopin staff (what their Django permissions
cover, `STAFF_PERMISSIONS`; never `is_staff` alone). The rule is one queryset, `venues_for(user, action)`: every
check (`venue_may` / `ensure_venue_may` / `venue_for`, the door grant) asks it, and roles are read from the
database every time, so a removal from the organisation or the venue acts on the next request. Only the owner (or
staff allowed `managers`) adds or removes managers.
"""

from __future__ import annotations

import uuid
from typing import Literal

from django.db.models import Q, QuerySet

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.error_codes import ErrorCode
from loopin.core.errors import NotFound, PermissionDenied
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import Event, Venue
from loopin.organisations.models import Organisation
from loopin.organisations.permissions import OrgRole
from loopin.venuecommerce.error_codes import VenueCommerceErrorCode
from loopin.venuecommerce.models import StaffRole, VenueStaff

VenueAction = Literal[
    "venue", "managers", "view_staff", "staff", "menu", "stock", "orders", "parking_lots", "parking", "door"
]
R = StaffRole
OWNER = "owner"

# What each role may do at its venue (the owner may do everything).
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "venue": frozenset({R.MANAGER}),  # the venue's details: name, address, city, position, type, capacity
    "managers": frozenset(),  # ask and remove managers: the owner only
    "view_staff": frozenset({R.MANAGER}),  # the venue's staff list
    "staff": frozenset({R.MANAGER}),  # ask and remove concessions, parking and door staff (managers: owner only)
    "menu": frozenset({R.MANAGER}),  # items, variants, prices and GST, counters, availability per event
    "stock": frozenset({R.MANAGER, R.CONCESSIONS}),  # stock counts, a variant on/off, a counter open/closed
    "orders": frozenset({R.MANAGER, R.CONCESSIONS}),  # the counters' queues, moving and cancelling orders
    "parking_lots": frozenset({R.MANAGER}),  # parking lots and their pricing rules (loopin.parking)
    "parking": frozenset({R.MANAGER, R.PARKING}),  # scanning parking passes at the venue's gates (loopin.parking)
    "door": frozenset({R.MANAGER, R.DOOR}),  # checking tickets in at the venue's events (loopin.tickets door)
}
# The venue role an organisation's member holds at the organisation's venues: the one mapping (docs/COMMERCE.md).
# Agents work requests and invitations, nothing at a venue: they hold no venue role (explicit venue staff may add
# them in any role).
ORGANISATION_VENUE_ROLES: dict[str, str] = {
    OrgRole.OWNER: OWNER,
    OrgRole.ADMIN: OWNER,
    OrgRole.MANAGER: R.MANAGER,
    OrgRole.DOOR: R.DOOR,
}
# What a Loopin staff member needs to do each thing at any venue through the API (the admin checks the same).
# An empty tuple: no staff power through the API for it.
STAFF_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "venue": ("events.change_venue",),
    "managers": ("venuecommerce.add_venuestaff", "venuecommerce.delete_venuestaff"),
    "view_staff": ("venuecommerce.view_venuestaff",),
    "staff": ("venuecommerce.add_venuestaff", "venuecommerce.delete_venuestaff"),
    "menu": ("venuecommerce.change_menuitem", "venuecommerce.change_menuvariant", "venuecommerce.change_counter"),
    "stock": ("venuecommerce.change_menuvariant",),
    "orders": ("venuecommerce.view_venueorder", "venuecommerce.change_venueorder"),
    "parking_lots": ("parking.change_parkinglot",),
    "parking": ("parking.operate_gate",),
    "door": ("venuecommerce.work_venue_door",),
}


def venues_for(user: User | None, action: VenueAction) -> QuerySet[Venue]:
    """The one rule: the venues where `user` may do `action` now, by their own role (staff permissions apart).

    A personal venue's owner; an organisation's member whose mapped role allows it (the organisation live, the
    membership accepted and not removed); an accepted staff member whose role allows it."""
    if user is None or user.pk is None:
        return Venue.objects.none()
    roles = {OWNER, *ROLE_ACTIONS[action]}
    org_roles = [org_role for org_role, venue_role in ORGANISATION_VENUE_ROLES.items() if venue_role in roles]
    staffed = VenueStaff.objects.filter(user_id=user.pk, accepted_at__isnull=False, role__in=ROLE_ACTIONS[action])
    rule = Q(organisation__isnull=True, created_by_id=user.pk) | Q(id__in=staffed.values("venue_id"))
    if org_roles:
        rule |= Q(organisation_id__in=Organisation.objects.with_role(user, org_roles).values("id"))
    return Venue.objects.filter(rule)


def holds(user: User | None, venue_id: uuid.UUID | None, action: VenueAction) -> bool:
    """Whether the caller's own role at the venue allows `action` now (`venues_for`, one EXISTS query)."""
    return venue_id is not None and venues_for(user, action).filter(id=venue_id).exists()


def is_owner(user: User | None, venue: Venue) -> bool:
    """The venue's owner now: a personal venue's person, an organisation's venue's owner and admins."""
    return holds(user, venue.id, "managers")


def staff_may(user: User | None, action: VenueAction) -> bool:
    perms = STAFF_PERMISSIONS[action]
    return bool(user is not None and perms and user.is_staff and user.has_perms(perms))


def venue_may(user: User | None, venue: Venue, action: VenueAction) -> bool:
    return holds(user, venue.id, action) or staff_may(user, action)


def ensure_venue_may(
    user: User,
    venue: Venue,
    action: VenueAction,
    *,
    code: ErrorCode = VenueCommerceErrorCode.VENUE_ROLE_REQUIRED,
    message: str = "Only the venue's owner or its staff in the right role can do this.",
) -> None:
    """Refuse unless the caller's role allows `action`, or their permissions do (then audited as staff access).

    `code` / `message`: what the refusal says (a domain keeps the code its clients already know)."""
    if holds(user, venue.id, action):
        return
    if not staff_may(user, action):
        raise PermissionDenied(message, code=code, details={"roles": sorted(["owner", *ROLE_ACTIONS[action]])})
    audit_record(
        action="staff.venue_access",
        actor=user,
        obj=venue,
        data={"action": action, "permissions": list(STAFF_PERMISSIONS[action])},
    )


def venue_door_may(user: User, event: Event) -> bool:
    """The tickets door's grant (registered in ready()): the owner, managers and door staff of the event's venue
    may scan and check in its guests, as may Loopin staff holding `work_venue_door` (audited)."""
    if event.venue_id is None or user is None or user.pk is None:
        return False
    venue = Venue.objects.filter(id=event.venue_id).first()
    if venue is None:
        return False
    if holds(user, venue.id, "door"):
        return True
    if not staff_may(user, "door"):
        return False
    audit_record(action="staff.venue_access", actor=user, obj=venue, data={"action": "door", "event": str(event.id)})
    return True


def venue_get(venue_id: uuid.UUID, *, lock: bool = False) -> Venue:
    qs = Venue.objects.select_for_update() if lock else Venue.objects.all()
    venue = qs.filter(id=venue_id).first()
    if venue is None:
        raise NotFound("Venue not found.", code=EventErrorCode.VENUE_NOT_FOUND)
    return venue


def venue_for(user: User, venue_id: uuid.UUID, action: VenueAction, *, lock: bool = False) -> Venue:
    """The venue, if the caller may do `action` there (403 VENUE_ROLE_REQUIRED otherwise)."""
    venue = venue_get(venue_id, lock=lock)
    ensure_venue_may(user, venue, action)
    return venue
