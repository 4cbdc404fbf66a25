"""Rooms' part in the account lifecycle and in a socket's life (registered in rooms.receivers.connect)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from loopin.rooms.models import PRESENT, Room, RoomMember, RoomState
from loopin.rooms.realtime import socket_room
from loopin.rooms.services import depart, locked

if TYPE_CHECKING:
    from loopin.accounts.models import User


def socket_rooms(user: User) -> list[str]:
    """A new socket joins the socket room of each live room its person is in."""
    ids = RoomMember.objects.filter(PRESENT, user_id=user.id, room__state=RoomState.LIVE).values_list(
        "room_id", flat=True
    )
    return [socket_room(rid) for rid in ids]


def erase_rooms(user: User) -> None:
    """Deletion: the person leaves every room they are in (a last host's room ends)."""
    room_ids = list(RoomMember.objects.filter(PRESENT, user_id=user.id).values_list("room_id", flat=True))
    for room_id in room_ids:
        with transaction.atomic():
            room = locked(room_id)
            member = RoomMember.objects.filter(PRESENT, room=room, user_id=user.id).first()
            if member is not None and room.state == RoomState.LIVE:
                depart(room, member, reason="left", now=timezone.now())
    Room.objects.filter(created_by=user).update(created_by=None)


def export_rooms(user: User) -> list[dict[str, Any]]:
    """The rooms the person was in, with their role when they were last there."""
    rows = RoomMember.objects.filter(user=user).select_related("room").order_by("joined_at")
    return [
        {
            "room_id": str(m.room_id),
            "title": m.room.title,
            "role": m.role,
            "joined_at": m.joined_at.isoformat(),
            "left_at": m.left_at.isoformat() if m.left_at else None,
            "created_by_you": m.room.created_by_id == user.id,
        }
        for m in rows
    ]
