"""Who may do what at a venue: the one table.

Three kinds of people run a venue's commerce: its owner (`Venue.created_by`, everything), the people it asked to
work there who accepted, in one role each (what `ROLE_ACTIONS` lists), and Loopin staff (what their Django
permissions cover, `STAFF_PERMISSIONS`; never `is_staff` alone). Every check goes through `venue_may` /
`ensure_venue_may`. Only the owner (or staff allowed `staff`) adds or removes managers.
"""

from __future__ import annotations

import uuid
from typing import Literal

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.error_codes import ErrorCode
from loopin.core.errors import NotFound, PermissionDenied
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import Event, Venue
from loopin.venuecommerce.error_codes import VenueCommerceErrorCode
from loopin.venuecommerce.models import StaffRole, VenueStaff

VenueAction = Literal["view_staff", "staff", "menu", "stock", "orders", "parking_lots", "parking", "door"]
R = StaffRole

# What each role may do at its venue (the owner may do everything).
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "view_staff": frozenset({R.MANAGER}),  # the venue's staff list
    "staff": frozenset({R.MANAGER}),  # ask and remove concessions, parking and door staff (managers: owner only)
    "menu": frozenset({R.MANAGER}),  # items, variants, prices and GST, counters, availability per event
    "stock": frozenset({R.MANAGER, R.CONCESSIONS}),  # stock counts, a variant on/off, a counter open/closed
    "orders": frozenset({R.MANAGER, R.CONCESSIONS}),  # the counters' queues, moving and cancelling orders
    "parking_lots": frozenset({R.MANAGER}),  # parking lots and their pricing rules (loopin.parking)
    "parking": frozenset({R.MANAGER, R.PARKING}),  # scanning parking passes at the venue's gates (loopin.parking)
    "door": frozenset({R.MANAGER, R.DOOR}),  # checking tickets in at the venue's events (loopin.tickets door)
}
# What a Loopin staff member needs to do each thing at any venue through the API (the admin checks the same).
# An empty tuple: no staff power through the API for it.
STAFF_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "view_staff": ("venuecommerce.view_venuestaff",),
    "staff": ("venuecommerce.add_venuestaff", "venuecommerce.delete_venuestaff"),
    "menu": ("venuecommerce.change_menuitem", "venuecommerce.change_menuvariant", "venuecommerce.change_counter"),
    "stock": ("venuecommerce.change_menuvariant",),
    "orders": ("venuecommerce.view_venueorder", "venuecommerce.change_venueorder"),
    "parking_lots": ("parking.change_parkinglot",),
    "parking": ("parking.operate_gate",),
    "door": ("venuecommerce.work_venue_door",),
}


def staff_may(user: User | None, action: VenueAction) -> bool:
    perms = STAFF_PERMISSIONS[action]
    return bool(user is not None and perms and user.is_staff and user.has_perms(perms))


def venue_role(user: User | None, venue: Venue) -> str | None:
    """The caller's accepted role at the venue ("owner" for its owner), read fresh: a removal acts at once."""
    if user is None or user.pk is None:
        return None
    if venue.created_by_id == user.id:
        return "owner"
    return (
        VenueStaff.objects.filter(venue_id=venue.id, user_id=user.id, accepted_at__isnull=False)
        .values_list("role", flat=True)
        .first()
    )


def role_may(role: str | None, action: VenueAction) -> bool:
    return role == "owner" or (role is not None and role in ROLE_ACTIONS[action])


def venue_may(user: User | None, venue: Venue, action: VenueAction) -> bool:
    return role_may(venue_role(user, venue), action) or staff_may(user, action)


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
    if role_may(venue_role(user, venue), action):
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
    if role_may(venue_role(user, venue), "door"):
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
