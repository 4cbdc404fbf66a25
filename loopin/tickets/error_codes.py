"""Error codes of tickets and the door (check-in)."""

from loopin.core.error_codes import ErrorCode


class TicketErrorCode(ErrorCode):
    TICKET_NOT_FOUND = "TICKET_NOT_FOUND", 404, "You have no (valid) ticket for this event, or no ticket has this code."
    TICKET_NOT_VALID = "TICKET_NOT_VALID", 409, "The ticket was cancelled or refunded; it cannot be used."
    NOT_DOOR_STAFF = "NOT_DOOR_STAFF", 403, "Only the host and this event's door staff can do this."
    NONCE_REUSED = "NONCE_REUSED", 409, "This scan nonce was already used for a different scan."
    ALREADY_HOST = "ALREADY_HOST", 400, "The host can already scan tickets; they are not added as door staff."
    STAFF_NOT_FOUND = "STAFF_NOT_FOUND", 404, "This person is not door staff of the event."
    CALENDAR_FEED_NOT_FOUND = (
        "CALENDAR_FEED_NOT_FOUND",
        404,
        "No calendar feed has this address: it was rotated or turned off (make a new one at /me/calendar-feed).",
    )
    GOOGLE_WALLET_NOT_CONFIGURED = (
        "GOOGLE_WALLET_NOT_CONFIGURED",
        503,
        "Google Wallet passes are not set up on this server (issuer id, service account email and key).",
    )
