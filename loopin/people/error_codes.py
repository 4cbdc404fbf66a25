"""Error codes of people: friends, friend requests, blocks and mutes."""

from loopin.core.error_codes import ErrorCode


class PeopleErrorCode(ErrorCode):
    SELF = "SELF", 400, "You cannot do this to yourself (befriend, block or mute your own account)."
    ALREADY_FRIENDS = "ALREADY_FRIENDS", 409, "You are already friends with this person."
    NOT_FRIENDS = "NOT_FRIENDS", 404, "You are not friends with this person."
    FRIEND_REQUESTS_CLOSED = (
        "FRIEND_REQUESTS_CLOSED",
        403,
        "This person takes no friend requests from you (closed, or friends of friends only).",
    )
    FRIEND_REQUEST_EXISTS = "FRIEND_REQUEST_EXISTS", 409, "You already asked this person to be friends."
    FRIEND_REQUEST_NOT_FOUND = "FRIEND_REQUEST_NOT_FOUND", 404, "No friend request with this id is yours to answer."
    FRIEND_REQUEST_NOT_PENDING = "FRIEND_REQUEST_NOT_PENDING", 400, "The friend request was already answered."
    NOT_BLOCKED = "NOT_BLOCKED", 404, "You have not blocked this person."
    NOT_MUTED = "NOT_MUTED", 404, "You have not muted this person."
