"""Error codes of events: the events themselves, venues, hosts, requests, invitations and links."""

from loopin.core.error_codes import ErrorCode


class EventErrorCode(ErrorCode):
    EVENT_NOT_FOUND = "EVENT_NOT_FOUND", 404, "No event with this id is visible to you (drafts and private events)."
    EVENT_CLOSED = "EVENT_CLOSED", 400, "The event is completed or cancelled; it can no longer change."
    EVENT_HAS_GUESTS = "EVENT_HAS_GUESTS", 409, "People are going: cancel the event (which tells them) before deleting."
    EVENT_NOT_STARTED = "EVENT_NOT_STARTED", 400, "An event can be completed only once it has started."
    START_IN_PAST = "START_IN_PAST", 400, "Move the event to a future time first."
    PRICE_LOCKED = "PRICE_LOCKED", 400, "The price cannot change once people hold seats."
    HOST_APPROVAL_REQUIRED = "HOST_APPROVAL_REQUIRED", 403, "Only approved hosts can create events or venues."
    HOST_NOT_FOUND = "HOST_NOT_FOUND", 404, "No host (a user who hosts or is an approved host) has this id."
    HOST_LEAD_EXISTS = "HOST_LEAD_EXISTS", 409, "A become-a-host request for this phone number already exists."
    NOT_EVENT_HOST = "NOT_EVENT_HOST", 403, "Only the event's host (or staff) can do this."
    IMAGE_NOT_FOUND = "IMAGE_NOT_FOUND", 404, "The event has no cover image with this id."
    VENUE_NOT_FOUND = "VENUE_NOT_FOUND", 404, "No venue has this id."
    REQUEST_NOT_FOUND = "REQUEST_NOT_FOUND", 404, "No (open) join request with this id for this event."
    REQUEST_EXISTS = "REQUEST_EXISTS", 409, "You already asked to join this event."
    REQUEST_NOT_PENDING = "REQUEST_NOT_PENDING", 400, "The request was already decided or withdrawn."
    INVITATION_NOT_FOUND = "INVITATION_NOT_FOUND", 404, "You have no invitation with this id."
    INVITATION_REVOKED = "INVITATION_REVOKED", 400, "The host withdrew this invitation."
    INVITATION_EXPIRED = "INVITATION_EXPIRED", 400, "The invitation expired before it was answered."
    INVITE_LINK_NOT_FOUND = "INVITE_LINK_NOT_FOUND", 404, "The event has no invite link with this id."
    INVITE_LINK_INVALID = "INVITE_LINK_INVALID", 404, "The invite link is unknown, revoked, or its event is gone."
    INVITE_LINK_EXPIRED = "INVITE_LINK_EXPIRED", 400, "The invite link has expired."
    INVITE_LINK_USED_UP = "INVITE_LINK_USED_UP", 400, "The invite link has been used as often as the host allowed."
    TIER_NOT_FOUND = "TIER_NOT_FOUND", 404, "The event has no ticket tier with this id that you can see."
    TIER_HAS_SALES = "TIER_HAS_SALES", 409, "Seats of this tier were sold or held: hide it or end its sales instead."
    DEFAULT_TIER_KEPT = (
        "DEFAULT_TIER_KEPT",
        409,
        "The default tier (the event's price) stays: hide it, end its sales.",
    )
    CO_HOST_NOT_FOUND = "CO_HOST_NOT_FOUND", 404, "This person is not (invited as) a co-host of this event."
    CO_HOST_EXISTS = "CO_HOST_EXISTS", 409, "This person is already a co-host of this event (or invited as one)."
    CO_HOST_IS_HOST = "CO_HOST_IS_HOST", 400, "The host runs the event already; add someone else."
    CO_HOSTS_LIMIT = "CO_HOSTS_LIMIT", 409, "The event has as many co-hosts as it may have (EVENT_MAX_CO_HOSTS)."
    GUEST_MESSAGES_LIMIT = (
        "GUEST_MESSAGES_LIMIT",
        429,
        "The event sent as many messages to guests as allowed for now (GUEST_MESSAGE_RATE); `details.retry_after`.",
    )
    NO_GUESTS = "NO_GUESTS", 400, "Nobody holds a valid ticket (of this tier), so the message would reach nobody."
    NOT_A_GUEST = "NOT_A_GUEST", 403, "Only people holding a valid ticket for the event (and its hosts) can do this."
    QUESTION_NOT_FOUND = "QUESTION_NOT_FOUND", 404, "The event has no (current) checkout question with this id."
    QUESTION_HAS_ANSWERS = (
        "QUESTION_HAS_ANSWERS",
        409,
        "People answered this question: its kind and the choices they picked stay (remove it and ask a new one).",
    )
    QUESTION_NOT_ASKED = (
        "QUESTION_NOT_ASKED",
        400,
        "An answer names a question this event does not ask (for this tier); `details.question_id` names it.",
    )
    ANSWER_REQUIRED = (
        "ANSWER_REQUIRED",
        400,
        "A required checkout question was not answered; `details.question_id` and `details.label` name it.",
    )
    ANSWER_INVALID = (
        "ANSWER_INVALID",
        400,
        "An answer is not one of the question's choices, or gives several to a one-choice question; "
        "`details.question_id` names it.",
    )
    GUEST_LIST_TOO_LARGE = "GUEST_LIST_TOO_LARGE", 400, "The guest list has more rows than one export carries."
    GUEST_IMPORT_TOO_LARGE = (
        "GUEST_IMPORT_TOO_LARGE",
        413,
        "The guest-list file is larger (bytes or rows) than one import takes; `details` gives the limits.",
    )
    GUEST_IMPORT_UNREADABLE = (
        "GUEST_IMPORT_UNREADABLE",
        400,
        "The guest-list file is not a UTF-8 CSV with phone numbers (one a row; optional name column).",
    )
    GUEST_IMPORT_NOT_FOUND = (
        "GUEST_IMPORT_NOT_FOUND",
        404,
        "No import preview with this token for this event: it expired (preview again) or was never made.",
    )
