"""Chat's rooms and emits. Services call these after commit; they reach every process (loopin.realtime).

Rooms: `conv:{id}` holds the sockets of a conversation's active members (joined at connect, and when a
person joins while connected); `user:{id}` holds one person's sockets.
"""

from __future__ import annotations

import uuid
from typing import Any

from loopin.realtime import emit, join_room, leave_room, user_room


def conversation_room(conversation_id: uuid.UUID) -> str:
    return f"conv:{conversation_id}"


def message_new(payload: dict[str, Any]) -> None:
    emit(conversation_room(payload["conversation_id"]), "message", payload)


def message_changed(payload: dict[str, Any]) -> None:
    emit(conversation_room(payload["conversation_id"]), "message:updated", payload)


def receipt(*, conversation_id: uuid.UUID, user_id: uuid.UUID, last_read_seq: int, last_delivered_seq: int) -> None:
    emit(
        conversation_room(conversation_id),
        "receipt",
        {
            "conversation_id": str(conversation_id),
            "user_id": str(user_id),
            "last_read_seq": last_read_seq,
            "last_delivered_seq": last_delivered_seq,
        },
    )


def typing(*, conversation_id: uuid.UUID, user_id: uuid.UUID, is_typing: bool, skip_sid: str | None) -> None:
    emit(
        conversation_room(conversation_id),
        "typing",
        {"conversation_id": str(conversation_id), "user_id": str(user_id), "typing": is_typing},
        skip_sid=skip_sid,
    )


def member_joined(*, conversation: dict[str, Any], user_id: uuid.UUID) -> None:
    """The person's sockets enter the room and learn about the conversation."""
    join_room(user_room(user_id), conversation_room(conversation["id"]))
    emit(user_room(user_id), "conversation", conversation)


def member_left(*, conversation_id: uuid.UUID, user_id: uuid.UUID, reason: str) -> None:
    leave_room(user_room(user_id), conversation_room(conversation_id))
    emit(user_room(user_id), "conversation:removed", {"conversation_id": str(conversation_id), "reason": reason})


def conversation_changed(payload: dict[str, Any]) -> None:
    """Closed, reopened, a request accepted or declined: every member's copy of the conversation refreshes."""
    emit(conversation_room(payload["id"]), "conversation:updated", payload)


def member_changed(*, conversation_id: uuid.UUID, user_id: uuid.UUID, silenced: bool) -> None:
    emit(
        conversation_room(conversation_id),
        "member:updated",
        {"conversation_id": str(conversation_id), "user_id": str(user_id), "silenced": silenced},
    )


def presence(*, watcher_ids: list[Any], user_id: uuid.UUID, online: bool, last_seen: str | None) -> None:
    payload = {"user_id": str(user_id), "online": online, "last_seen": last_seen}
    for watcher in watcher_ids:
        emit(user_room(watcher), "presence", payload)
