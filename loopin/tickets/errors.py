"""Door (check-in) refusals, each with its own code."""

from loopin.core.errors import Conflict, PermissionDenied
from loopin.tickets.error_codes import TicketErrorCode


class NotDoorStaff(PermissionDenied):
    error_code = TicketErrorCode.NOT_DOOR_STAFF
    default_message = "Only the host and this event's door staff can do this."


class NonceReused(Conflict):
    error_code = TicketErrorCode.NONCE_REUSED
    default_message = "This nonce was already used for a different scan."
