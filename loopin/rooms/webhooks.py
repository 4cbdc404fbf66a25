"""LiveKit's webhooks keep our participant list true: someone connected (or someone who should not be
there did), someone's connection went away for good, LiveKit closed the room.

Each is verified first (the Authorization JWT is signed with our API secret and carries the sha256 of the
body: livekit-api's WebhookReceiver), applied once per event id (a redelivery changes nothing), under the
room's row lock like every other membership change.
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from loopin.core.errors import NotAuthenticated
from loopin.rooms import realtime, tasks
from loopin.rooms.error_codes import RoomErrorCode
from loopin.rooms.media import webhook_event
from loopin.rooms.models import PRESENT, EndReason, MediaWebhook, Room, RoomMember, RoomState
from loopin.rooms.services import after_commit, depart, end

PREFIX = "room-"


def _room_id(media_room: str) -> uuid.UUID | None:
    if not media_room.startswith(PREFIX):
        return None
    try:
        return uuid.UUID(media_room[len(PREFIX) :])
    except ValueError:
        return None


def _user_id(identity: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(identity)
    except ValueError:
        return None


def webhook_receive(*, body: str, authorization: str) -> tuple[str, bool]:
    """Verify and apply one LiveKit webhook; (its event name, whether it changed anything)."""
    try:
        event = webhook_event(body=body, authorization=authorization)
    except ValueError:
        raise NotAuthenticated(
            "The webhook's signature does not match.", code=RoomErrorCode.WEBHOOK_SIGNATURE_INVALID
        ) from None
    kind = event.event
    room_id = _room_id(event.room.name)
    identity = event.participant.identity
    with transaction.atomic():
        if event.id:
            try:
                with transaction.atomic():
                    MediaWebhook.objects.create(event_id=event.id[:64], kind=kind[:32],
                                                media_room=event.room.name[:64], identity=identity[:64])  # fmt: skip
            except IntegrityError:
                return kind, False  # seen before
        room = Room.objects.select_for_update().filter(id=room_id).first() if room_id else None
        if room is None:
            return kind, False
        if kind == "room_finished":
            if room.state != RoomState.LIVE:
                return kind, False
            end(room, reason=EndReason.MEDIA_FINISHED, now=timezone.now())
            return kind, True
        user_id = _user_id(identity)
        if kind not in ("participant_joined", "participant_left") or user_id is None:
            return kind, False
        member = RoomMember.objects.select_related("user").filter(PRESENT, room=room, user_id=user_id).first()
        if kind == "participant_joined":
            return kind, _connected(room, member, identity=identity, sid=event.participant.sid)
        return kind, _disconnected(room, member, sid=event.participant.sid)


def _connected(room: Room, member: RoomMember | None, *, identity: str, sid: str) -> bool:
    if member is None or room.state != RoomState.LIVE:
        # Connected with a token from before a removal, a ban or the room's end: out of the media too.
        room_id = str(room.id)
        after_commit(lambda: tasks.media_remove.delay(room_id, identity))
        return True
    member.media_joined_at, member.media_sid = timezone.now(), sid
    member.save(update_fields=["media_joined_at", "media_sid", "updated_at"])
    after_commit(lambda: realtime.updated(member, change="media"))
    return True


def _disconnected(room: Room, member: RoomMember | None, *, sid: str) -> bool:
    # A participant_left of an older connection (the app reconnected with the same identity) is not a leave.
    if member is None or room.state != RoomState.LIVE or (member.media_sid and member.media_sid != sid):
        return False
    depart(room, member, reason="disconnected", now=timezone.now())
    return True
