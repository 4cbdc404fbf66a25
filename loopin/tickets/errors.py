"""Door (check-in) refusals, each with its own code."""

from loopin.core.errors import Conflict, PermissionDenied


class NotDoorStaff(PermissionDenied):
    code = "NOT_DOOR_STAFF"
    default_message = "Only the host and this event's door staff can do this."


class NonceReused(Conflict):
    code = "NONCE_REUSED"
    default_message = "This nonce was already used for a different scan."
