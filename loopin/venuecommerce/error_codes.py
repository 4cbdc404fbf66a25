"""Error codes of venue commerce: venue staff, counters, the menu and orders to your seat."""

from loopin.core.error_codes import ErrorCode


class VenueCommerceErrorCode(ErrorCode):
    VENUE_ROLE_REQUIRED = (
        "VENUE_ROLE_REQUIRED",
        403,
        "Only the venue's owner, its staff in a role allowed this (`details.roles`) or Loopin staff may do this.",
    )
    VENUE_STAFF_NOT_FOUND = (
        "VENUE_STAFF_NOT_FOUND",
        404,
        "This person does not work at (and is not asked to) the venue.",
    )
    VENUE_STAFF_EXISTS = "VENUE_STAFF_EXISTS", 409, "This person already works at the venue (or is asked to)."
    VENUE_STAFF_IS_OWNER = "VENUE_STAFF_IS_OWNER", 400, "The venue's owner manages it already; add someone else."
    COUNTER_NOT_FOUND = "COUNTER_NOT_FOUND", 404, "The venue has no counter with this id."
    COUNTER_EXISTS = "COUNTER_EXISTS", 409, "The venue already has a counter with this name."
    COUNTER_CLOSED = "COUNTER_CLOSED", 400, "This counter takes no orders now; choose another."
    MENU_ITEM_NOT_FOUND = "MENU_ITEM_NOT_FOUND", 404, "The venue's menu has no item with this id."
    MENU_ITEM_EXISTS = "MENU_ITEM_EXISTS", 409, "The venue's menu already has an item (or the item a variant) so named."
    MENU_VARIANT_NOT_FOUND = "MENU_VARIANT_NOT_FOUND", 404, "The venue's menu has no variant with this id."
    ITEM_NOT_AVAILABLE = (
        "ITEM_NOT_AVAILABLE",
        400,
        "An item is not sold at this event (off the menu or switched off for it); `details.variant_id` names it.",
    )
    OUT_OF_STOCK = (
        "OUT_OF_STOCK",
        409,
        "Fewer are left than asked for; `details.variant_id` and `details.left` say which and how many remain.",
    )
    EVENT_HAS_NO_VENUE = "EVENT_HAS_NO_VENUE", 400, "This event is not at a venue, so there is nothing to order."
    EVENT_NOT_AT_VENUE = "EVENT_NOT_AT_VENUE", 404, "The venue has no (live) event with this id."
    ORDER_NEEDS_TICKET = "ORDER_NEEDS_TICKET", 403, "Only people holding a valid ticket for the event can order."
    ORDERING_CLOSED = (
        "ORDERING_CLOSED",
        400,
        "Orders are taken from doors-open to the event's end (`details.opens_at`, `details.closes_at`).",
    )
    VENUE_ORDER_NOT_FOUND = (
        "VENUE_ORDER_NOT_FOUND",
        404,
        "No order at this venue or event with this id is yours to see.",
    )
    ORDER_INVALID_TRANSITION = (
        "ORDER_INVALID_TRANSITION",
        409,
        "The order cannot move from its state to the one asked (`details.from`, `details.to`, `details.allowed`).",
    )
    ORDER_ALREADY_ACCEPTED = (
        "ORDER_ALREADY_ACCEPTED",
        409,
        "The venue accepted the order already: only its staff can cancel it now.",
    )
    ORDER_KEY_REUSED = (
        "ORDER_KEY_REUSED",
        409,
        "This Idempotency-Key was already used for a different order (send a new key for a new order).",
    )
