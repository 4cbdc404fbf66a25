"""Who may do what at a venue's lots, through venue commerce's role table (`loopin.venuecommerce.access`).

Managing lots and their prices: the venue's owner or its managers; Loopin staff with the model permission
(`parking.change_parkinglot`). Scanning at the gate: the owner, managers and parking staff (the `parking`
action); Loopin staff with `parking.operate_gate`. Never `is_staff` alone.
"""

from __future__ import annotations

from typing import Any

from loopin.core.errors import PermissionDenied
from loopin.events.models import Venue
from loopin.parking.error_codes import ParkingErrorCode
from loopin.venuecommerce.access import venue_may, venue_role
from loopin.venuecommerce.models import StaffRole

LOT_MANAGERS = {"owner", StaffRole.MANAGER}


def can_manage_lots(user: Any, venue: Venue) -> bool:
    return venue_role(user, venue) in LOT_MANAGERS or bool(user.has_perm("parking.change_parkinglot"))


def can_operate_gate(user: Any, venue: Venue) -> bool:
    return venue_may(user, venue, "parking") or bool(user.has_perm("parking.operate_gate"))


def ensure_can_manage_lots(user: Any, venue: Venue) -> None:
    if not can_manage_lots(user, venue):
        raise PermissionDenied("Only the venue's owner or managers can manage its parking lots.",
                               code=ParkingErrorCode.NOT_VENUE_MANAGER)  # fmt: skip


def ensure_can_operate_gate(user: Any, venue: Venue) -> None:
    if not can_operate_gate(user, venue):
        raise PermissionDenied("Only the venue's parking staff can scan passes here.",
                               code=ParkingErrorCode.NOT_PARKING_STAFF)  # fmt: skip
