"""Calls' part in the account lifecycle and in a socket's life (registered in calls.receivers.connect)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from loopin.calls import services
from loopin.calls.models import Call, EndReason
from loopin.chat.presence import is_online

if TYPE_CHECKING:
    from loopin.accounts.models import User


def erase_calls(user: User) -> None:
    """Deletion: the person's calls end, and the other party's history keeps them as "Deleted user"."""
    services.calls_end_for_person(user_id=user.id, reason=EndReason.ACCOUNT_DELETED)
    Call.objects.filter(caller=user).update(caller=None, caller_session_id=None)
    Call.objects.filter(callee=user).update(callee=None, callee_session_id=None)


def _exported(call: Call, user_id: Any) -> dict[str, Any]:
    outgoing = call.caller_id == user_id
    other = call.callee_id if outgoing else call.caller_id
    return {
        "id": str(call.id),
        "direction": "outgoing" if outgoing else "incoming",
        "other_user_id": str(other) if other else None,
        "media": call.media,
        "state": call.state,
        "end_reason": call.end_reason or None,
        "created_at": call.created_at.isoformat(),
        "accepted_at": call.accepted_at.isoformat() if call.accepted_at else None,
        "ended_at": call.ended_at.isoformat() if call.ended_at else None,
    }


def export_calls(user: User) -> list[dict[str, Any]]:
    """Every call the person placed or received, oldest first."""
    rows = Call.objects.filter(Q(caller=user) | Q(callee=user)).order_by("created_at")
    return [_exported(c, user.id) for c in rows]


def socket_closed(user_id: Any) -> None:
    """The person's last socket closed: a call they placed that still rings stops ringing."""
    if not is_online(user_id):
        services.calls_cancel_placed_by(user_id=user_id)
