"""Error codes of parking."""

from loopin.core.error_codes import ErrorCode


class ParkingErrorCode(ErrorCode):
    LOT_NOT_FOUND = "LOT_NOT_FOUND", 404, "No active parking lot has this id (at this event's venue)."
    PARKING_FULL = "PARKING_FULL", 409, "Every space of this lot is taken for this event."
    QUOTE_NOT_FOUND = "QUOTE_NOT_FOUND", 404, "No price quote of yours has this id."
    QUOTE_EXPIRED = "QUOTE_EXPIRED", 409, "The quoted price is no longer valid (or was used); ask for a new quote."
    ALREADY_RESERVED = "ALREADY_RESERVED", 409, "You already hold a parking reservation for this event."
    RESERVATION_NOT_FOUND = "RESERVATION_NOT_FOUND", 404, "No parking reservation of yours has this id."
    RESERVATION_NOT_CANCELLABLE = (
        "RESERVATION_NOT_CANCELLABLE",
        409,
        "The reservation cannot be cancelled any more (used at the gate, over, or already ended).",
    )
    EVENT_NOT_PARKABLE = "EVENT_NOT_PARKABLE", 400, "The event is over, cancelled or has no venue with parking."
    NOT_PARKING_STAFF = "NOT_PARKING_STAFF", 403, "Only the venue's parking staff can scan passes at this lot."
    NOT_VENUE_MANAGER = (
        "NOT_VENUE_MANAGER",
        403,
        "Only the venue's owner or managers (or staff allowed to) can manage its lots.",
    )
    RESERVATION_NOT_PENDING = (
        "RESERVATION_NOT_PENDING",
        409,
        "The reservation is not waiting for payment (paid, lapsed or over).",
    )
    OVERSTAY_NOT_FOUND = "OVERSTAY_NOT_FOUND", 404, "No overstay charge of yours has this id."
    OVERSTAY_NOT_DUE = "OVERSTAY_NOT_DUE", 409, "This overstay charge is already paid or waived."
    GATE_NONCE_REUSED = "GATE_NONCE_REUSED", 409, "This gate scan nonce was already used for a different scan."
