"""Error codes of taking part in an event: the rules every way in (open, request, invitation, link, order) shares."""

from loopin.core.error_codes import ErrorCode


class ParticipationErrorCode(ErrorCode):
    OWN_EVENT = "OWN_EVENT", 400, "You are the host of this event; hosts do not join their own events."
    EVENT_NOT_PUBLISHED = "EVENT_NOT_PUBLISHED", 400, "The event is not published (draft, postponed, cancelled...)."
    EVENT_STARTED = "EVENT_STARTED", 400, "The event has already started."
    TOO_MANY_SEATS = "TOO_MANY_SEATS", 400, "Ask for between 1 and the event's `max_seats` seats (in `details`)."
    GENDER_RESTRICTED = "GENDER_RESTRICTED", 400, "The event is limited to other genders (`details.allowed_genders`)."
    INVITE_ONLY = "INVITE_ONLY", 403, "The event is invite-only.", 400
    REQUEST_NOT_ACCEPTED = "REQUEST_NOT_ACCEPTED", 403, "The host must accept your join request first."
    ALREADY_GOING = "ALREADY_GOING", 409, "You already hold a ticket (or said you are going) for this event."
    CAPACITY_EXCEEDED = "CAPACITY_EXCEEDED", 409, "Not enough seats are left (`details.seats_left`)."
    PAYMENT_REQUIRED = "PAYMENT_REQUIRED", 400, "This is a paid event: buy a ticket instead."
    NOT_A_PAID_EVENT = "NOT_A_PAID_EVENT", 400, "The event is free: confirm attendance instead of buying."
    REQUEST_NOT_NEEDED = "REQUEST_NOT_NEEDED", 400, "The event is open: confirm your attendance instead of asking."
    CONFIRMATION_EXPIRED = (
        "CONFIRMATION_EXPIRED",
        400,
        "Your request was accepted, but the time to confirm (the event's RSVP deadline) has passed.",
    )
    PAID_TICKET = "PAID_TICKET", 400, "A paid ticket is cancelled through its order (refunds follow the policy)."
    JOIN_NOT_ALLOWED = "JOIN_NOT_ALLOWED", 403, "You and the host have blocked each other (either way)."
    TIER_SOLD_OUT = "TIER_SOLD_OUT", 409, "This ticket tier is sold out (`details.tier_id`, `details.seats_left`)."
    TIER_NOT_ON_SALE = "TIER_NOT_ON_SALE", 400, "This tier's sales have not started (`details.sales_start_at`)."
    TIER_SALES_ENDED = "TIER_SALES_ENDED", 400, "This tier's sales have ended."
    TIER_APPROVAL_REQUIRED = "TIER_APPROVAL_REQUIRED", 403, "This tier needs the host's approval: ask to join first."
    TIER_QUANTITY = "TIER_QUANTITY", 400, "This tier sells between `details.min` and `details.max` seats per order."
    NOT_SOLD_OUT = "NOT_SOLD_OUT", 409, "Seats can still be had (`details.tier_id`): take one instead of waiting."
    ALREADY_WAITING = "ALREADY_WAITING", 409, "You are already on this event's waitlist."
    NOT_WAITING = "NOT_WAITING", 404, "You are not on this event's waitlist."
