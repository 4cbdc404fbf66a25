"""What people in a room do to each other and to themselves: the stage, hands, mute, remove, ban, hand over.

Each action checks `loopin.rooms.rules` (who may do what to whom) under the room's row lock, changes the
rows, and after commit tells the room's sockets and LiveKit (the target's new permissions, a mute, a
removal). docs/ROOMS.md has the table.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from loopin.core.errors import Conflict, PermissionDenied
from loopin.rooms import realtime, rules, tasks
from loopin.rooms.error_codes import RoomErrorCode
from loopin.rooms.models import ON_STAGE, PRESENT, Role, Room, RoomBan, RoomMember
from loopin.rooms.services import after_commit, depart, ensure_live, locked, present_member

if TYPE_CHECKING:
    from loopin.accounts.models import User


def _refused(action: str, me: RoomMember, target: RoomMember | None = None) -> PermissionDenied:
    details = {"action": action, "your_role": me.role}
    if target is not None:
        details["their_role"] = target.role
    return PermissionDenied(
        f"As {me.role} you cannot {action.replace('_', ' ')}"
        + (f" someone who is {target.role}." if target is not None else "."),
        code=RoomErrorCode.ROOM_ACTION_NOT_ALLOWED,
        details=details,
    )


def _ensure_stage_seat(room: Room, member: RoomMember, new_role: str) -> None:
    """Moving onto the stage needs a free seat (hosts, moderators, speakers: at most room.max_speakers)."""
    if new_role not in ON_STAGE or member.role in ON_STAGE:
        return
    on_stage = RoomMember.objects.filter(PRESENT, room=room, role__in=ON_STAGE).count()
    if on_stage >= room.max_speakers:
        raise Conflict("The stage is full.", code=RoomErrorCode.STAGE_FULL, details={"max_speakers": room.max_speakers})


def _set_role(room: Room, member: RoomMember, role: str) -> None:
    _ensure_stage_seat(room, member, role)
    member.role = role
    member.hand_raised_at = None
    if role not in ON_STAGE:
        member.muted = False
    member.save(update_fields=["role", "hand_raised_at", "muted", "updated_at"])
    room_id, user_id = str(room.id), str(member.user_id)
    after_commit(lambda: realtime.updated(member, change="role"))
    after_commit(lambda: tasks.media_permissions.delay(room_id, user_id))


def member_act(*, actor: User, room_id: uuid.UUID, user_id: uuid.UUID, action: str) -> RoomMember:
    """`actor` does `action` (rules.ACTIONS) to the person `user_id` in the room; their membership after."""
    with transaction.atomic():
        room = locked(room_id)
        ensure_live(room)
        me = present_member(room, actor.id)
        target = present_member(room, user_id)
        if target.user_id == me.user_id or not rules.may(action, actor=me.role, target=target.role):
            raise _refused(action, me, target)
        if action in rules.ROLE_AFTER:
            _set_role(room, target, rules.ROLE_AFTER[action])
        elif action == "mute":
            target.muted = True
            target.save(update_fields=["muted", "updated_at"])
            rid, uid = str(room.id), str(target.user_id)
            after_commit(lambda: realtime.updated(target, change="mute"))
            after_commit(lambda: tasks.media_mute.delay(rid, uid))
        elif action == "lower_hand":
            target.hand_raised_at = None
            target.save(update_fields=["hand_raised_at", "updated_at"])
            after_commit(lambda: realtime.updated(target, change="hand"))
        elif action in ("remove", "ban"):
            if action == "ban":
                RoomBan.objects.get_or_create(room=room, user_id=target.user_id, defaults={"banned_by": actor})
            depart(room, target, reason="banned" if action == "ban" else "removed", now=timezone.now())
            target.refresh_from_db()
    return target


def hand_set(*, user: User, room_id: uuid.UUID, raised: bool) -> RoomMember:
    """Raise or lower your own hand (the audience asks to speak)."""
    with transaction.atomic():
        room = locked(room_id)
        ensure_live(room)
        me = present_member(room, user.id)
        action = "raise_hand" if raised else "lower_hand"
        if not rules.may_self(action, role=me.role):
            raise _refused(action, me)
        if raised != (me.hand_raised_at is not None):
            me.hand_raised_at = timezone.now() if raised else None
            me.save(update_fields=["hand_raised_at", "updated_at"])
            after_commit(lambda: realtime.updated(me, change="hand"))
    return me


def mute_set(*, user: User, room_id: uuid.UUID, muted: bool) -> RoomMember:
    """Say you muted or unmuted your microphone (the app does it in LiveKit; the room sees the state)."""
    with transaction.atomic():
        room = locked(room_id)
        ensure_live(room)
        me = present_member(room, user.id)
        action = "mute" if muted else "unmute"
        if not rules.may_self(action, role=me.role):
            raise _refused(action, me)
        if me.muted != muted:
            me.muted = muted
            me.save(update_fields=["muted", "updated_at"])
            after_commit(lambda: realtime.updated(me, change="mute"))
    return me


def step_down(*, user: User, room_id: uuid.UUID) -> RoomMember:
    """A speaker or moderator goes back to the audience."""
    with transaction.atomic():
        room = locked(room_id)
        ensure_live(room)
        me = present_member(room, user.id)
        if not rules.may_self("step_down", role=me.role):
            raise _refused("step_down", me)
        _set_role(room, me, rules.ROLE_AFTER["step_down"])
    return me


def host_transfer(*, user: User, room_id: uuid.UUID, to_user_id: uuid.UUID) -> RoomMember:
    """A host hands the room over: the other person becomes a host, the caller a speaker. Returns the new host."""
    with transaction.atomic():
        room = locked(room_id)
        ensure_live(room)
        me = present_member(room, user.id)
        target = present_member(room, to_user_id)
        if not rules.may_room("transfer_host", role=me.role) or target.user_id == me.user_id:
            raise _refused("transfer_host", me, target)
        if target.role != Role.HOST:
            _set_role(room, target, Role.HOST)
        _set_role(room, me, Role.SPEAKER)
    return target
