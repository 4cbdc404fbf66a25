"""Error codes of audio rooms (the rooms endpoints and LiveKit's webhook)."""

from loopin.core.error_codes import ErrorCode


class RoomErrorCode(ErrorCode):
    ROOM_NOT_FOUND = "ROOM_NOT_FOUND", 404, "No room with this id that you can see."
    ROOM_NOT_ALLOWED = (
        "ROOM_NOT_ALLOWED",
        403,
        "This room is for an event's host and ticket holders, or its host does not let you in.",
    )
    ROOM_BANNED = "ROOM_BANNED", 403, "A host or moderator removed you from this room for good."
    ROOM_NOT_LIVE = "ROOM_NOT_LIVE", 409, "The room is not live (scheduled, or ended); `details.state` says which."
    NOT_IN_ROOM = "NOT_IN_ROOM", 409, "Join the room first (or the person is no longer in it)."
    ROOM_ACTION_NOT_ALLOWED = (
        "ROOM_ACTION_NOT_ALLOWED",
        403,
        "Your role in the room does not allow this on that person; `details` names the action and both roles.",
    )
    STAGE_FULL = "STAGE_FULL", 409, "The stage has `details.max_speakers` people on it already."
    EVENT_ROOM_HOST_ONLY = "EVENT_ROOM_HOST_ONLY", 403, "Only the event's host can open a room for it."
    ROOM_BAD_SCHEDULE = "ROOM_BAD_SCHEDULE", 400, "A scheduled room needs `starts_at` in the future."
    WEBHOOK_SIGNATURE_INVALID = (
        "WEBHOOK_SIGNATURE_INVALID",
        401,
        "The webhook's Authorization token is missing, not signed with our LiveKit key, or not for this body.",
    )
    MEDIA_NOT_CONFIGURED = "MEDIA_NOT_CONFIGURED", 503, "The media server (LiveKit) is not configured here."
