"""Who may do what at a venue's lots: venue commerce's one role check (`loopin.venuecommerce.access`).

Managing lots and their prices is the `parking_lots` action (the venue's owner, its managers; Loopin staff with
`parking.change_parkinglot`); scanning at the gate is the `parking` action (the owner, managers and parking staff;
Loopin staff with `parking.operate_gate`). Staff use is audited there; never `is_staff` alone. Parking keeps its
own refusal codes, which its clients already know.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loopin.events.models import Venue
from loopin.parking.error_codes import ParkingErrorCode
from loopin.venuecommerce.access import ensure_venue_may

if TYPE_CHECKING:
    from loopin.accounts.models import User


def ensure_can_manage_lots(user: User, venue: Venue) -> None:
    ensure_venue_may(user, venue, "parking_lots", code=ParkingErrorCode.NOT_VENUE_MANAGER,
                     message="Only the venue's owner or managers can manage its parking lots.")  # fmt: skip


def ensure_can_operate_gate(user: User, venue: Venue) -> None:
    ensure_venue_may(user, venue, "parking", code=ParkingErrorCode.NOT_PARKING_STAFF,
                     message="Only the venue's parking staff can scan passes here.")  # fmt: skip
