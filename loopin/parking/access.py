"""Who may do what at a venue's lots.

Managing lots: the venue's owner (`Venue.created_by`) or staff with the model permission. Scanning at the
gate: the venue's owner or staff with `parking.operate_gate`. (Per-venue staff roles come with
`loopin.concessions`; this is the one place that will ask them.)
"""

from __future__ import annotations

from typing import Any

from loopin.core.errors import PermissionDenied
from loopin.events.models import Venue
from loopin.parking.error_codes import ParkingErrorCode


def can_manage_lots(user: Any, venue: Venue) -> bool:
    return bool(user.id == venue.created_by_id or user.has_perm("parking.change_parkinglot"))


def can_operate_gate(user: Any, venue: Venue) -> bool:
    return bool(user.id == venue.created_by_id or user.has_perm("parking.operate_gate"))


def ensure_can_manage_lots(user: Any, venue: Venue) -> None:
    if not can_manage_lots(user, venue):
        raise PermissionDenied(code=ParkingErrorCode.NOT_VENUE_MANAGER)


def ensure_can_operate_gate(user: Any, venue: Venue) -> None:
    if not can_operate_gate(user, venue):
        raise PermissionDenied(code=ParkingErrorCode.NOT_PARKING_STAFF)
