"""Calls' emits. Services call these after commit; they reach every process (loopin.realtime).

Ringing goes to every socket of the callee (`user:{id}`: all devices ring); once a device answers, the
signalling of the call (offer, answer, candidates) passes only between the two sessions in the call
(`session:{id}`: the device that placed it and the one that answered).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from loopin.calls.models import Call
from loopin.realtime import emit, user_room
from loopin.realtime.delivery import session_room

if TYPE_CHECKING:
    from loopin.accounts.models import User


def _person(user: User) -> dict[str, Any] | None:
    return None if user is None else {"id": str(user.id), "name": user.name}


def call_payload(call: Call) -> dict[str, Any]:
    """The call as both parties' sockets see it (events and acks)."""
    return {
        "call_id": str(call.id),
        "caller": _person(call.caller),
        "callee": _person(call.callee),
        "media": call.media,
        "state": call.state,
        "end_reason": call.end_reason or None,
        "created_at": call.created_at.isoformat(),
        "ring_deadline": call.ring_deadline.isoformat(),
        "accepted_at": call.accepted_at.isoformat() if call.accepted_at else None,
        "ended_at": call.ended_at.isoformat() if call.ended_at else None,
    }


def incoming(call: Call) -> None:
    emit(user_room(call.callee_id), "incoming_call", call_payload(call))


def accepted(call: Call, *, origin_sid: str | None) -> None:
    """The caller's devices learn who answered; the callee's other devices stop ringing."""
    payload = call_payload(call)
    emit(user_room(call.caller_id), "call_accepted", payload)
    emit(user_room(call.callee_id), "call_stopped", {**payload, "reason": "answered_elsewhere"}, skip_sid=origin_sid)


def rejected(call: Call, *, origin_sid: str | None) -> None:
    payload = call_payload(call)
    emit(user_room(call.caller_id), "call_rejected", payload)
    emit(user_room(call.callee_id), "call_stopped", {**payload, "reason": "rejected"}, skip_sid=origin_sid)


def ended(call: Call, *, origin_sid: str | None = None) -> None:
    """Hung up, cancelled, missed, failed: every socket of both parties (the ringing ones stop)."""
    payload = call_payload(call)
    for uid in {call.caller_id, call.callee_id} - {None}:
        emit(user_room(uid), "call_ended", payload, skip_sid=origin_sid)


def offer(*, session_id: Any, payload: dict[str, Any]) -> None:
    emit(session_room(session_id), "webrtc_offer", payload)


def answer(*, session_id: Any, payload: dict[str, Any]) -> None:
    emit(session_room(session_id), "webrtc_answer", payload)


def candidate(*, session_id: Any, payload: dict[str, Any]) -> None:
    emit(session_room(session_id), "webrtc_candidate", payload)
