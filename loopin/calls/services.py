"""1:1 calls: place, answer, decline, hang up, time out, mark missed calls seen.

Every move of a call's state is one conditional UPDATE (`state = <the state it must be in>`), so of two
devices answering at once exactly one wins and the other is told it lost. Emits and pushes go out after
commit. A ringing call past its deadline is missed: the sweeper (beat) and a countdown task make it so, and
every service treats it as missed when it meets one first (embedded mode has neither beat nor countdowns).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from loopin.accounts.error_codes import AccountErrorCode
from loopin.calls import graph, realtime, signals
from loopin.calls.error_codes import CallErrorCode
from loopin.calls.models import ACTIVE_STATES, Call, CallMedia, CallState, EndReason
from loopin.chat.presence import is_online
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, PermissionDenied
from loopin.core.settings import get_settings

if TYPE_CHECKING:
    from loopin.accounts.models import User


def _calls_of(user_id: uuid.UUID) -> QuerySet[Call]:
    return Call.objects.filter(Q(caller_id=user_id) | Q(callee_id=user_id))


def _loaded(call_id: uuid.UUID) -> Call:
    return Call.objects.select_related("caller", "callee").get(id=call_id)


def _after_commit(fn: Callable[[], object]) -> None:
    transaction.on_commit(fn, robust=True)


def _move(call_id: uuid.UUID, *, from_state: str, to: str, reason: str, **fields: Any) -> bool:
    """The one way a call changes state: true if this caller made the move (nobody moved it first)."""
    moved = Call.objects.filter(id=call_id, state=from_state).update(state=to, end_reason=reason, **fields)
    return moved == 1


def _finish(
    call_id: uuid.UUID, *, from_state: str, to: str, reason: str, now: datetime, origin_sid: str | None
) -> bool:
    if not _move(call_id, from_state=from_state, to=to, reason=reason, ended_at=now):
        return False
    call = _loaded(call_id)
    _after_commit(lambda: _announce_end(call, was=from_state, origin_sid=origin_sid))
    return True


def _announce_end(call: Call, *, was: str, origin_sid: str | None) -> None:
    realtime.ended(call, origin_sid=origin_sid)
    if was == CallState.RINGING:
        signals.call_stopped_ringing.send(sender=Call, call_id=call.id)


def _party(user: User, call_id: uuid.UUID) -> Call:
    call = Call.objects.select_related("caller", "callee").filter(id=call_id).first()
    if call is None or user.id not in (call.caller_id, call.callee_id):
        raise NotFound("No such call.", code=CallErrorCode.CALL_NOT_FOUND)
    return call


# ---------------------------------------------------------------- timeouts


def calls_expire_due(
    *, now: datetime | None = None, user_ids: Iterable[uuid.UUID] | None = None, limit: int = 500
) -> int:
    """Ringing calls past their deadline become missed (and their devices stop ringing); returns how many."""
    now = now or timezone.now()
    due = Call.objects.filter(state=CallState.RINGING, ring_deadline__lte=now)
    if user_ids is not None:
        ids = list(user_ids)
        due = due.filter(Q(caller_id__in=ids) | Q(callee_id__in=ids))
    missed = 0
    for call_id in due.order_by("ring_deadline").values_list("id", flat=True)[:limit]:
        if _finish(
            call_id, from_state=CallState.RINGING, to=CallState.MISSED, reason=EndReason.TIMEOUT, now=now,
            origin_sid=None,
        ):  # fmt: skip
            missed += 1
    return missed


def call_ring_timeout(*, call_id: uuid.UUID) -> bool:
    """The countdown of one call: missed if it is still ringing at its deadline (idempotent)."""
    call = Call.objects.filter(id=call_id, state=CallState.RINGING).first()
    if call is None or call.ring_deadline > timezone.now():
        return False
    party = call.callee_id or call.caller_id  # None only when both people were deleted: nobody to match
    return calls_expire_due(now=call.ring_deadline, user_ids=[party] if party else []) > 0


# ---------------------------------------------------------------- placing a call


def _busy(user_id: uuid.UUID, *, now: datetime) -> bool:
    """In a call: ringing (before its deadline), or accepted with someone who still has a socket open.

    An accepted call whose parties are both gone (an app killed mid-call never says end_call) must not make
    them busy for ever: it is ended as disconnected when someone tries to call them.
    """
    active = list(
        _calls_of(user_id).filter(Q(state=CallState.ACCEPTED) | Q(state=CallState.RINGING, ring_deadline__gt=now))
    )
    for call in active:
        if call.state == CallState.RINGING:
            return True
        if any(is_online(uid) for uid in (call.caller_id, call.callee_id) if uid is not None):
            return True
        _finish(
            call.id, from_state=CallState.ACCEPTED, to=CallState.ENDED, reason=EndReason.DISCONNECTED, now=now,
            origin_sid=None,
        )  # fmt: skip
    return False


def call_initiate(*, caller: User, callee_id: uuid.UUID, media: str = CallMedia.AUDIO, session_id: uuid.UUID) -> Call:
    """Ring every device of `callee_id`; refused between strangers, across a block, and when either is busy."""
    if callee_id == caller.id:
        raise BusinessRuleError("You cannot call yourself.", code=CallErrorCode.SELF_CALL)
    callee = (
        get_user_model()
        .objects.filter(id=callee_id, is_active=True, is_suspended=False, deleted_at__isnull=True)
        .first()
    )
    if callee is None:
        raise NotFound("No such person.", code=AccountErrorCode.USER_NOT_FOUND)
    if not graph.may_call(caller.id, callee.id):
        raise PermissionDenied(
            "You can call friends and people you have an open chat with.", code=CallErrorCode.CALL_NOT_ALLOWED
        )
    now = timezone.now()
    calls_expire_due(now=now, user_ids=[caller.id, callee.id])
    with transaction.atomic():
        # Both people locked in id order: two calls to one person, or two people calling each other at
        # the same moment, queue here, so the second sees the first and gets "busy".
        list(
            get_user_model()
            .objects.select_for_update()
            .filter(id__in=[caller.id, callee.id])
            .order_by("id")
            .values_list("id", flat=True)
        )
        if _busy(caller.id, now=now):
            raise Conflict("You are already in a call.", code=CallErrorCode.ALREADY_IN_CALL)
        if _busy(callee.id, now=now):
            raise Conflict(f"{callee.name or 'This person'} is in another call.", code=CallErrorCode.CALLEE_BUSY)
        call = Call.objects.create(
            caller=caller,
            callee=callee,
            media=media,
            caller_session_id=session_id,
            ring_deadline=now + timedelta(seconds=get_settings().CALLS_RING_SECONDS),
        )
        call = _loaded(call.id)
        _after_commit(lambda: _announce_ring(call))
    return call


def _announce_ring(call: Call) -> None:
    realtime.incoming(call)
    signals.call_ringing.send(sender=Call, call_id=call.id, ring_deadline=call.ring_deadline)


# ---------------------------------------------------------------- answering


def call_accept(*, user: User, call_id: uuid.UUID, session_id: uuid.UUID, origin_sid: str | None = None) -> Call:
    """The callee answers on one device: the first device wins, the others stop ringing."""
    call = _party(user, call_id)
    if call.callee_id != user.id:
        raise NotFound("No such incoming call.", code=CallErrorCode.CALL_NOT_FOUND)
    now = timezone.now()
    won = Call.objects.filter(id=call_id, state=CallState.RINGING, ring_deadline__gt=now).update(
        state=CallState.ACCEPTED, accepted_at=now, callee_session_id=session_id
    )
    if won:
        call = _loaded(call_id)
        _after_commit(lambda: realtime.accepted(call, origin_sid=origin_sid))
        return call
    calls_expire_due(now=now, user_ids=[user.id])
    call.refresh_from_db()
    if call.state == CallState.ACCEPTED:
        if call.callee_session_id == session_id:
            return call  # a retry from the device that answered
        raise Conflict(
            "You answered this call on another device.",
            code=CallErrorCode.ANSWERED_ELSEWHERE,
            details={"state": call.state},
        )
    raise Conflict(
        f"The call is no longer ringing ({call.state}).",
        code=CallErrorCode.CALL_NOT_RINGING,
        details={"state": call.state},
    )


def call_reject(*, user: User, call_id: uuid.UUID, origin_sid: str | None = None) -> Call:
    """The callee declines: the caller hears so and the callee's other devices stop ringing."""
    call = _party(user, call_id)
    if call.callee_id != user.id:
        raise NotFound("No such incoming call.", code=CallErrorCode.CALL_NOT_FOUND)
    now = timezone.now()
    if _move(call_id, from_state=CallState.RINGING, to=CallState.REJECTED, reason=EndReason.DECLINED, ended_at=now):
        call = _loaded(call_id)
        _after_commit(lambda: realtime.rejected(call, origin_sid=origin_sid))
        return call
    call.refresh_from_db()
    if call.state == CallState.REJECTED:
        return call
    raise Conflict(
        f"The call is no longer ringing ({call.state}).",
        code=CallErrorCode.CALL_NOT_RINGING,
        details={"state": call.state},
    )


def call_end(*, user: User, call_id: uuid.UUID, failed: bool = False, origin_sid: str | None = None) -> Call:
    """Either party hangs up (or reports that the media never connected). Ending an ended call is a no-op.

    Ringing: the caller cancelling makes it missed, the callee ending it declines it. Accepted: ended.
    """
    call = _party(user, call_id)
    now = timezone.now()
    for _ in range(3):  # the state can move under us (accepted just now); look again and end that
        if call.state == CallState.RINGING:
            if call.ring_deadline <= now:
                calls_expire_due(now=now, user_ids=[user.id])
            elif failed:
                _finish(call.id, from_state=CallState.RINGING, to=CallState.FAILED, reason=EndReason.FAILED, now=now,
                        origin_sid=origin_sid)  # fmt: skip
            elif user.id == call.caller_id:
                _finish(call.id, from_state=CallState.RINGING, to=CallState.MISSED, reason=EndReason.CANCELLED,
                        now=now, origin_sid=origin_sid)  # fmt: skip
            else:
                _finish(call.id, from_state=CallState.RINGING, to=CallState.REJECTED, reason=EndReason.DECLINED,
                        now=now, origin_sid=origin_sid)  # fmt: skip
        elif call.state == CallState.ACCEPTED:
            to, reason = (CallState.FAILED, EndReason.FAILED) if failed else (CallState.ENDED, EndReason.HANGUP)
            _finish(call.id, from_state=CallState.ACCEPTED, to=to, reason=reason, now=now, origin_sid=origin_sid)
        call = _loaded(call.id)
        if call.state not in ACTIVE_STATES:
            return call
    return call


def calls_end_between(*, a_id: uuid.UUID, b_id: uuid.UUID, reason: str) -> int:
    """A block (or a deletion) ends whatever call the two have going; returns how many."""
    now = timezone.now()
    ended = 0
    pair = Q(caller_id=a_id, callee_id=b_id) | Q(caller_id=b_id, callee_id=a_id)
    for call in Call.objects.filter(pair, state__in=ACTIVE_STATES):
        to = CallState.FAILED if call.state == CallState.RINGING else CallState.ENDED
        ended += _finish(call.id, from_state=call.state, to=to, reason=reason, now=now, origin_sid=None)
    return ended


def calls_end_for_person(*, user_id: uuid.UUID, reason: str) -> int:
    """Every active call of one person ends (account deletion)."""
    now = timezone.now()
    ended = 0
    for call in _calls_of(user_id).filter(state__in=ACTIVE_STATES):
        to = CallState.FAILED if call.state == CallState.RINGING else CallState.ENDED
        ended += _finish(call.id, from_state=call.state, to=to, reason=reason, now=now, origin_sid=None)
    return ended


def calls_cancel_placed_by(*, user_id: uuid.UUID) -> int:
    """The caller's last socket closed while their call rang: it stops ringing (missed, cancelled)."""
    now = timezone.now()
    cancelled = 0
    for call_id in Call.objects.filter(caller_id=user_id, state=CallState.RINGING).values_list("id", flat=True):
        cancelled += _finish(
            call_id, from_state=CallState.RINGING, to=CallState.MISSED, reason=EndReason.CANCELLED, now=now,
            origin_sid=None,
        )  # fmt: skip
    return cancelled


# ---------------------------------------------------------------- history


def missed_calls_mark_seen(*, user: User) -> int:
    """The person opened their call history: their missed calls no longer count in the badge."""
    return Call.objects.filter(callee_id=user.id, state=CallState.MISSED, callee_seen_at__isnull=True).update(
        callee_seen_at=timezone.now()
    )
