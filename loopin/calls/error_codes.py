"""Error codes of 1:1 calls (socket acks and the calls endpoints)."""

from loopin.core.error_codes import ErrorCode


class CallErrorCode(ErrorCode):
    CALL_NOT_FOUND = "CALL_NOT_FOUND", 404, "No call with this id has you as a party."
    SELF_CALL = "SELF_CALL", 400, "You cannot call yourself."
    CALL_NOT_ALLOWED = "CALL_NOT_ALLOWED", 403, "You can call friends and people you have an open 1:1 chat with."
    CALLEE_BUSY = "CALLEE_BUSY", 409, "The person is in another call; try again later."
    ALREADY_IN_CALL = "ALREADY_IN_CALL", 409, "You are already in a call (or one is ringing): end it first."
    ANSWERED_ELSEWHERE = "ANSWERED_ELSEWHERE", 409, "Another of your devices answered this call first."
    CALL_NOT_RINGING = "CALL_NOT_RINGING", 409, "The call is no longer ringing; `details.state` says what it became."
    CALL_NOT_CONNECTED = (
        "CALL_NOT_CONNECTED",
        409,
        ("Offers, answers and candidates pass only in an accepted call, from the device that placed or answered it."),
    )
