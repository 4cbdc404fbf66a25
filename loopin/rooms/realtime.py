"""Rooms' emits: live room state to everyone in the room's socket room (`audio_room:{id}`).

A person's sockets join the socket room when they join the room (and on connect while they are in one);
services call these after commit, from any process (loopin.realtime). Events: room_member_joined,
room_member_updated (role, hand, mute), room_member_left, room_ended; and room_removed to the person removed.
"""

from __future__ import annotations

import uuid
from typing import Any

from loopin.realtime import emit, join_room, leave_room, user_room
from loopin.rooms.models import Room, RoomMember


def socket_room(room_id: uuid.UUID | str) -> str:
    return f"audio_room:{room_id}"


def member_payload(member: RoomMember) -> dict[str, Any]:
    """One person in a room, as the room's sockets and the API see them."""
    return {
        "user": {"id": str(member.user_id), "name": member.user.name},
        "role": member.role,
        "hand_raised": member.hand_raised_at is not None,
        "hand_raised_at": member.hand_raised_at.isoformat() if member.hand_raised_at else None,
        "muted": member.muted,
        "joined_at": member.joined_at.isoformat(),
        "media_connected": member.media_joined_at is not None and member.left_at is None,
    }


def joined(member: RoomMember) -> None:
    join_room(user_room(member.user_id), socket_room(member.room_id))
    emit(socket_room(member.room_id), "room_member_joined", {"room_id": str(member.room_id),
                                                             "member": member_payload(member)})  # fmt: skip


def updated(member: RoomMember, *, change: str) -> None:
    """`change`: role, hand, mute."""
    emit(
        socket_room(member.room_id),
        "room_member_updated",
        {"room_id": str(member.room_id), "change": change, "member": member_payload(member)},
    )


def left(*, room_id: uuid.UUID | str, user_id: uuid.UUID | str, reason: str) -> None:
    """`reason`: left, removed, banned, disconnected."""
    payload = {"room_id": str(room_id), "user_id": str(user_id), "reason": reason}
    emit(socket_room(room_id), "room_member_left", payload)
    if reason in ("removed", "banned"):
        emit(user_room(user_id), "room_removed", payload)
    leave_room(user_room(user_id), socket_room(room_id))


def ended(room: Room, *, member_ids: list[Any]) -> None:
    emit(
        socket_room(room.id),
        "room_ended",
        {"room_id": str(room.id), "end_reason": room.end_reason, "ended_at": room.ended_at.isoformat()
         if room.ended_at else None},
    )  # fmt: skip
    for uid in member_ids:
        leave_room(user_room(uid), socket_room(room.id))
