"""Error codes of chat: conversations, message requests, messages, moderation."""

from loopin.core.error_codes import ErrorCode


class ChatErrorCode(ErrorCode):
    CONVERSATION_NOT_FOUND = "CONVERSATION_NOT_FOUND", 404, "No conversation with this id has you as a member."
    CONVERSATION_CLOSED = "CONVERSATION_CLOSED", 400, "The chat was closed (by the host or a block); it is readable."
    MESSAGE_NOT_FOUND = "MESSAGE_NOT_FOUND", 404, "No message with this id in a conversation of yours."
    MESSAGE_DELETED = "MESSAGE_DELETED", 400, "The message was deleted; only its tombstone is left."
    MEMBER_NOT_FOUND = "MEMBER_NOT_FOUND", 404, "This person is not a member of the conversation."
    MEMBER_SILENCED = "MEMBER_SILENCED", 403, "The host or staff muted you in this chat: you may read, not send."
    SELF_MESSAGE = "SELF_MESSAGE", 400, "A conversation needs someone other than you."
    BLOCKED = "BLOCKED", 403, "One of you blocked the other: no conversation between you."
    REQUEST_PENDING = "REQUEST_PENDING", 400, "Accept the message request before you reply."
    REQUEST_DECLINED = "REQUEST_DECLINED", 400, "The recipient declined this message request."
    NO_PENDING_REQUEST = "NO_PENDING_REQUEST", 400, "There is no message request to answer in this conversation."
    OWN_REQUEST = "OWN_REQUEST", 403, "The other person answers your message request, not you."
    NOT_SENDER = "NOT_SENDER", 403, "Only the sender (or the event's host and staff, for deletes) may do this."
    NOT_EDITABLE = "NOT_EDITABLE", 400, "Only a text message that was not deleted can be edited."
    EDIT_WINDOW_PASSED = "EDIT_WINDOW_PASSED", 400, "Messages can be edited for CHAT_EDIT_MINUTES after sending."
    DELETE_WINDOW_PASSED = "DELETE_WINDOW_PASSED", 400, "Messages can be deleted for CHAT_EDIT_MINUTES after sending."
    OWN_MESSAGE = "OWN_MESSAGE", 400, "You cannot report your own message."
    ALREADY_REPORTED = "ALREADY_REPORTED", 409, "You already reported this message."
    NOT_MODERATOR = "NOT_MODERATOR", 403, "Only the event's host and door staff moderate its chat."
    CANNOT_MUTE_MODERATOR = "CANNOT_MUTE_MODERATOR", 403, "The host (and, for staff, other staff) cannot be muted."
    HOST_CANNOT_LEAVE = "HOST_CANNOT_LEAVE", 400, "The host cannot leave the event's chat; close it instead."
