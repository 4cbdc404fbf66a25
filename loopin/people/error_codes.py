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
    ALREADY_FOLLOWING = "ALREADY_FOLLOWING", 409, "You already follow this person."
    FOLLOW_REQUESTED = (
        "FOLLOW_REQUESTED",
        409,
        "You already asked to follow this private profile.",
    )
    NOT_FOLLOWING = "NOT_FOLLOWING", 404, "You do not follow this person (nor asked to)."
    NOT_A_FOLLOWER = "NOT_A_FOLLOWER", 404, "This person does not follow you."
    FOLLOW_REQUEST_NOT_FOUND = "FOLLOW_REQUEST_NOT_FOUND", 404, "No follow request from this person waits for you."
    FRIENDS_HIDDEN = "FRIENDS_HIDDEN", 403, "This person's privacy settings hide their friends list from you."
    PROFILE_PRIVATE = "PROFILE_PRIVATE", 403, "The profile is private: only friends and approved followers see this."
    HANDLE_TAKEN = "HANDLE_TAKEN", 409, "Someone has this handle, or gave it up less than 30 days ago."
    HANDLE_COOLDOWN = "HANDLE_COOLDOWN", 400, "You changed your handle recently; `details.next_change_at` says when."
    REPORT_EXISTS = "REPORT_EXISTS", 409, "You already reported this; it is still open."
    REPORT_NOT_FOUND = "REPORT_NOT_FOUND", 404, "No report has this id."
    REPORT_CLOSED = "REPORT_CLOSED", 400, "The report was already dismissed or acted on."
    CONTENT_GONE = "CONTENT_GONE", 409, "The reported content is already gone; dismiss the report or act on the person."
    NOT_CONTENT_REPORT = (
        "NOT_CONTENT_REPORT",
        400,
        "Only a report about a post, comment, story or album photo can take content down.",
    )
    POSTING_SUSPENDED = (
        "POSTING_SUSPENDED",
        403,
        "Posting is suspended after repeated takedowns (`details.until` says until when): no new posts, comments, "
        "stories or album photos.",
    )
    NOT_POSTING_SUSPENDED = "NOT_POSTING_SUSPENDED", 404, "This person's posting is not suspended."
