"""Audio rooms: open (now or scheduled), start, join, leave, end, close; LiveKit tokens for the caller.

Every change to who is in a room, or with which role, runs under the room's row lock (select_for_update),
so two joins, two role changes or two hosts leaving at the same moment queue up: the stage cap holds and
a room ends exactly once, when its last host leaves. Emits and LiveKit calls go out after commit.
Stage actions (roles, hands, mute, remove, ban) are in `loopin.rooms.stage`; docs/ROOMS.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from loopin.accounts.models import Interest
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, PermissionDenied
from loopin.core.settings import get_settings
from loopin.events.models import Event, EventStatus
from loopin.events.selectors.access import holds_host_power
from loopin.rooms import realtime, tasks
from loopin.rooms.error_codes import RoomErrorCode
from loopin.rooms.media import MediaToken, access_token
from loopin.rooms.models import PRESENT, EndReason, Role, Room, RoomMember, RoomState
from loopin.rooms.selectors import ensure_may_enter, host_ids

if TYPE_CHECKING:
    from loopin.accounts.models import User


def after_commit(fn: Callable[[], Any]) -> None:
    transaction.on_commit(fn, robust=True)


def locked(room_id: uuid.UUID) -> Room:
    """The room, locked for this transaction: every membership change of one room queues here."""
    room = Room.objects.select_for_update().filter(id=room_id).first()
    if room is None:
        raise NotFound("No such room.", code=RoomErrorCode.ROOM_NOT_FOUND)
    return room


def ensure_live(room: Room) -> None:
    if room.state != RoomState.LIVE:
        raise Conflict(f"The room is {room.state}.", code=RoomErrorCode.ROOM_NOT_LIVE, details={"state": room.state})


def present_member(room: Room, user_id: uuid.UUID) -> RoomMember:
    member = RoomMember.objects.select_related("user").filter(PRESENT, room=room, user_id=user_id).first()
    if member is None:
        raise Conflict("Not in this room.", code=RoomErrorCode.NOT_IN_ROOM, details={"user_id": str(user_id)})
    return member


# ---------------------------------------------------------------- opening


def room_create(
    *,
    user: User,
    title: str,
    topic: str = "",
    interest_ids: list[int] | None = None,
    event_id: uuid.UUID | None = None,
    starts_at: datetime | None = None,
) -> RoomMember | Room:
    """Open a room: live now (the caller is its host, in it) or scheduled for `starts_at`.

    Returns the caller's membership for a live room, the room for a scheduled one.
    """
    now = timezone.now()
    event = None
    if event_id is not None:
        event = Event.objects.alive().filter(id=event_id).first()
        if event is None or event.status == EventStatus.CANCELLED:
            raise NotFound("No such event.", code=RoomErrorCode.ROOM_NOT_FOUND)
        if not holds_host_power(user, event, "message"):
            raise PermissionDenied("Only the event's host can open its room.", code=RoomErrorCode.EVENT_ROOM_HOST_ONLY)
    if starts_at is not None and starts_at <= now:
        raise BusinessRuleError("Schedule the room in the future.", code=RoomErrorCode.ROOM_BAD_SCHEDULE)
    interests = list(Interest.objects.filter(id__in=interest_ids or [], is_active=True))
    with transaction.atomic():
        room = Room.objects.create(
            title=title,
            topic=topic,
            event=event,
            created_by=user,
            state=RoomState.SCHEDULED if starts_at else RoomState.LIVE,
            starts_at=starts_at,
            started_at=None if starts_at else now,
            max_speakers=get_settings().ROOMS_MAX_SPEAKERS,
        )
        room.interests.set(interests)
        if starts_at:
            return room
        member = RoomMember.objects.create(room=room, user=user, role=Role.HOST, joined_at=now)
        member = RoomMember.objects.select_related("user", "room").get(id=member.id)
        after_commit(lambda: realtime.joined(member))
    return member


def room_start(*, user: User, room_id: uuid.UUID) -> RoomMember:
    """The person who scheduled a room starts it: live, with them as its host."""
    with transaction.atomic():
        room = locked(room_id)
        if room.created_by_id != user.id:
            raise PermissionDenied("Only the room's creator can start it.", code=RoomErrorCode.ROOM_ACTION_NOT_ALLOWED,
                                   details={"action": "start"})  # fmt: skip
        if room.state != RoomState.SCHEDULED:
            raise Conflict(f"The room is {room.state}.", code=RoomErrorCode.ROOM_NOT_LIVE,
                           details={"state": room.state})  # fmt: skip
        now = timezone.now()
        Room.objects.filter(id=room.id).update(state=RoomState.LIVE, started_at=now)
        member = RoomMember.objects.create(room=room, user=user, role=Role.HOST, joined_at=now)
        member = RoomMember.objects.select_related("user", "room").get(id=member.id)
        after_commit(lambda: realtime.joined(member))
    return member


# ---------------------------------------------------------------- joining and leaving


def room_join(*, user: User, room_id: uuid.UUID) -> RoomMember:
    """Come into a live room in the audience (joining again while in it changes nothing)."""
    with transaction.atomic():
        room = locked(room_id)
        ensure_live(room)
        existing = RoomMember.objects.select_related("user", "room").filter(room=room, user_id=user.id).first()
        if existing is not None and existing.present:
            return existing
        ensure_may_enter(user, room)
        now = timezone.now()
        if existing is None:
            member = RoomMember.objects.create(room=room, user=user, role=Role.AUDIENCE, joined_at=now)
        else:
            member = existing
            member.role, member.hand_raised_at, member.muted = Role.AUDIENCE, None, False
            member.joined_at, member.left_at, member.media_joined_at, member.media_sid = now, None, None, ""
            member.save()
        member = RoomMember.objects.select_related("user", "room").get(id=member.id)
        after_commit(lambda: realtime.joined(member))
    return member


def depart(room: Room, member: RoomMember, *, reason: str, now: datetime) -> bool:
    """Take `member` out of the (locked) room; the last host out ends it. True if the room ended."""
    was_host = member.role == Role.HOST
    RoomMember.objects.filter(id=member.id).update(left_at=now, role=Role.AUDIENCE, hand_raised_at=None, muted=False)
    room_id, user_id = str(room.id), str(member.user_id)
    after_commit(lambda: realtime.left(room_id=room_id, user_id=user_id, reason=reason))
    after_commit(lambda: tasks.media_remove.delay(room_id, user_id))
    if was_host and not host_ids(room):
        end(room, reason=EndReason.LAST_HOST_LEFT, now=now)
        return True
    return False


def end(room: Room, *, reason: str, now: datetime) -> None:
    """End a (locked) room: everyone out, the sockets told, LiveKit's room deleted."""
    member_ids = list(RoomMember.objects.filter(PRESENT, room=room).values_list("user_id", flat=True))
    RoomMember.objects.filter(PRESENT, room=room).update(left_at=now, hand_raised_at=None)
    Room.objects.filter(id=room.id).update(state=RoomState.ENDED, end_reason=reason, ended_at=now)
    room.state, room.end_reason, room.ended_at = RoomState.ENDED, reason, now
    after_commit(lambda: realtime.ended(room, member_ids=member_ids))
    after_commit(lambda: tasks.media_delete_room.delay(str(room.id)))


def room_leave(*, user: User, room_id: uuid.UUID) -> Room:
    """Leave the room. The last host leaving ends it (hand over first with transfer_host to keep it going)."""
    with transaction.atomic():
        room = locked(room_id)
        member = RoomMember.objects.filter(PRESENT, room=room, user_id=user.id).first()
        if member is not None and room.state == RoomState.LIVE:
            depart(room, member, reason="left", now=timezone.now())
        room.refresh_from_db()
    return room


def room_end(*, user: User, room_id: uuid.UUID) -> Room:
    """A host ends the room for everyone."""
    with transaction.atomic():
        room = locked(room_id)
        if room.state == RoomState.ENDED:
            return room
        if room.state == RoomState.SCHEDULED:
            if room.created_by_id != user.id:
                raise PermissionDenied(
                    "Only the room's creator can cancel it.",
                    code=RoomErrorCode.ROOM_ACTION_NOT_ALLOWED,
                    details={"action": "end"},
                )
            end(room, reason=EndReason.CANCELLED, now=timezone.now())
            return room
        member = present_member(room, user.id)
        if member.role != Role.HOST:
            raise PermissionDenied(
                "Only a host can end the room.",
                code=RoomErrorCode.ROOM_ACTION_NOT_ALLOWED,
                details={"action": "end", "your_role": member.role},
            )
        end(room, reason=EndReason.HOST_ENDED, now=timezone.now())
    return room


def room_close(*, staff: User, room_id: uuid.UUID, ip: str | None = None) -> Room:
    """Loopin staff close a room (the `rooms.close_room` permission); audited."""
    if not staff.has_perm("rooms.close_room"):
        raise PermissionDenied("You may not close rooms.", code=RoomErrorCode.ROOM_ACTION_NOT_ALLOWED,
                               details={"action": "close"})  # fmt: skip
    with transaction.atomic():
        room = locked(room_id)
        if room.state == RoomState.ENDED:
            return room
        audit_record(action="room.close", actor=staff, obj=room, ip=ip,
                     data={"title": room.title, "was": room.state})  # fmt: skip
        end(room, reason=EndReason.STAFF_CLOSED, now=timezone.now())
    return room


def room_token(*, user: User, room_id: uuid.UUID) -> tuple[RoomMember, MediaToken]:
    """A fresh LiveKit token with the grants of the caller's role now."""
    room = Room.objects.filter(id=room_id).first()
    if room is None:
        raise NotFound("No such room.", code=RoomErrorCode.ROOM_NOT_FOUND)
    ensure_live(room)
    member = present_member(room, user.id)
    return member, access_token(user=member.user, media_room=room.media_name, role=member.role)
