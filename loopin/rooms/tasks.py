"""Thin tasks of rooms: LiveKit's room service, after commit. Each reloads and sends the current state
(the member's role now, not the change), so a retry or a late task never undoes a newer change."""

from __future__ import annotations

import uuid

from celery import shared_task

from loopin.core.logging import get_logger
from loopin.rooms.media import MediaUnavailable, media_server
from loopin.rooms.models import Room, RoomMember

log = get_logger("loopin.rooms")

RETRY = {"bind": True, "max_retries": 5, "ignore_result": True}


def _retry(task: object, exc: MediaUnavailable, what: str) -> None:
    log.warning("livekit_call_failed", call=what, error=str(exc))
    if not getattr(task, "request", None) or task.request.is_eager:  # type: ignore[attr-defined]
        return  # embedded mode: nothing to retry with; the next change (or token) sets it right
    raise task.retry(exc=exc, countdown=min(300, 5 * 2**task.request.retries))  # type: ignore[attr-defined]


@shared_task(name="rooms.media_permissions", **RETRY)
def media_permissions(self: object, room_id: str, user_id: str) -> bool:
    """Give a connected participant the publish permissions of their role now (UpdateParticipant)."""
    member = RoomMember.objects.filter(room_id=uuid.UUID(room_id), user_id=uuid.UUID(user_id),
                                       left_at__isnull=True).first()  # fmt: skip
    if member is None:
        return False
    try:
        return media_server().set_permissions(media_room=f"room-{room_id}", identity=user_id, role=member.role)
    except MediaUnavailable as exc:
        _retry(self, exc, "UpdateParticipant")
        return False


@shared_task(name="rooms.media_remove", **RETRY)
def media_remove(self: object, room_id: str, user_id: str) -> bool:
    """Disconnect someone no longer in the room (removed, banned, left) from its media (RemoveParticipant)."""
    if RoomMember.objects.filter(room_id=uuid.UUID(room_id), user_id=uuid.UUID(user_id),
                                 left_at__isnull=True).exists():  # fmt: skip
        return False  # back in the room already
    try:
        return media_server().remove_participant(media_room=f"room-{room_id}", identity=user_id)
    except MediaUnavailable as exc:
        _retry(self, exc, "RemoveParticipant")
        return False


@shared_task(name="rooms.media_mute", **RETRY)
def media_mute(self: object, room_id: str, user_id: str) -> int:
    """Mute someone's microphone track (MutePublishedTrack); they may unmute themselves."""
    try:
        return media_server().mute(media_room=f"room-{room_id}", identity=user_id)
    except MediaUnavailable as exc:
        _retry(self, exc, "MutePublishedTrack")
        return 0


@shared_task(name="rooms.media_delete_room", **RETRY)
def media_delete_room(self: object, room_id: str) -> bool:
    """An ended room: LiveKit disconnects everyone (DeleteRoom)."""
    if not Room.objects.filter(id=uuid.UUID(room_id), state="ended").exists():
        return False
    try:
        return media_server().delete_room(media_room=f"room-{room_id}")
    except MediaUnavailable as exc:
        _retry(self, exc, "DeleteRoom")
        return False
