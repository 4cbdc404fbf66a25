"""Error codes of the Socket.IO connection itself (handshake refusals and `session_ended`)."""

from loopin.core.error_codes import ErrorCode


class RealtimeErrorCode(ErrorCode):
    ACCOUNT_DELETED = "ACCOUNT_DELETED", 401, "The account was deleted: its sockets are closed and cannot reconnect."
    SESSION_ENDED = "SESSION_ENDED", 401, "The person signed out on this device; the socket was disconnected."
