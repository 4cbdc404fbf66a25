"""Reads of calls: a person's history (newest first), the missed-call badge, and where a signal goes."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from loopin.calls.error_codes import CallErrorCode
from loopin.calls.models import Call, CallState
from loopin.core.errors import Conflict, NotFound

if TYPE_CHECKING:
    from loopin.accounts.models import User


def call_history_item(call: Call, *, viewer_id: uuid.UUID) -> dict[str, Any]:
    """One call as its party sees it: which way it went, the other person, how it ended."""
    outgoing = call.caller_id == viewer_id
    other = call.callee if outgoing else call.caller
    return {
        "id": call.id,
        "direction": "outgoing" if outgoing else "incoming",
        "other": None if other is None else {"id": other.id, "name": other.name},
        "media": call.media,
        "state": call.state,
        "end_reason": call.end_reason or None,
        "created_at": call.created_at,
        "accepted_at": call.accepted_at,
        "ended_at": call.ended_at,
        "duration_seconds": call.duration_seconds,
        "missed_unseen": (not outgoing and call.state == CallState.MISSED and call.callee_seen_at is None),
    }


def calls_history(*, user: User, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """The person's calls, placed and received, newest first (one query for the page, one for the total)."""
    qs = Call.objects.filter(Q(caller_id=user.id) | Q(callee_id=user.id)).select_related("caller", "callee")
    total = qs.count()
    rows = qs.order_by("-created_at", "-id")[offset : offset + limit]
    return [call_history_item(c, viewer_id=user.id) for c in rows], total


def missed_calls_unseen(*, user: User) -> int:
    """The badge: calls to the person that nobody answered and they have not looked at yet."""
    return Call.objects.filter(callee_id=user.id, state=CallState.MISSED, callee_seen_at__isnull=True).count()


def relay_target(*, user_id: uuid.UUID, session_id: uuid.UUID, call_id: uuid.UUID) -> uuid.UUID:
    """The session to pass an offer, answer or candidate to: the other end of an accepted call.

    Only the two devices in the call may signal: the session that placed it and the one that answered.
    """
    call = (
        Call.objects.filter(id=call_id)
        .filter(Q(caller_id=user_id) | Q(callee_id=user_id))
        .values("state", "caller_id", "callee_id", "caller_session_id", "callee_session_id")
        .first()
    )
    if call is None:
        raise NotFound("No such call.", code=CallErrorCode.CALL_NOT_FOUND)
    target = None
    if call["state"] == CallState.ACCEPTED:
        if call["caller_id"] == user_id and call["caller_session_id"] == session_id:
            target = call["callee_session_id"]
        elif call["callee_id"] == user_id and call["callee_session_id"] == session_id:
            target = call["caller_session_id"]
    if target is not None:
        return target
    raise Conflict(
        "This device is not connected in this call.",
        code=CallErrorCode.CALL_NOT_CONNECTED,
        details={"state": call["state"]},
    )
