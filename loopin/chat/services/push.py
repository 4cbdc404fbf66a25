"""Pushes for members who are not connected: one per conversation per burst (collapse key + a 30 s gate),
never for a conversation the member muted."""

from __future__ import annotations

import uuid

from django.core.cache import cache

from loopin.chat.models import ConversationKind, Member, MemberState, Message, MessageKind, MessageRef
from loopin.chat.presence import online_among
from loopin.notifications.push import PushMessage
from loopin.notifications.services import push_ephemeral

BURST_SECONDS = 30
PREVIEW = 120


def _preview(message: Message) -> str:
    if message.kind == MessageKind.IMAGE:
        return "📷 Photo"
    if message.kind == MessageKind.FILE:
        return "📎 File"
    if message.ref_type == MessageRef.POST:
        return message.body[:PREVIEW] or "Shared a post"
    if message.ref_type == MessageRef.STORY:
        return f"Replied to your story: {message.body}"[:PREVIEW]
    return message.body[:PREVIEW]


def message_push_offline(*, message_id: uuid.UUID) -> int:
    """Push a new message to its conversation's offline, unmuted members; returns how many people."""
    message = Message.objects.select_related("conversation__event", "sender").filter(id=message_id).first()
    if message is None or message.deleted_at is not None or message.kind == MessageKind.SYSTEM:
        return 0
    conv = message.conversation
    members = Member.objects.filter(conversation=conv, state=MemberState.ACTIVE, push_muted=False)
    if message.sender_id is not None:  # a deleted sender's message: every member is a recipient
        members = members.exclude(user_id=message.sender_id)
    recipients = list(members.values_list("user_id", flat=True))
    online = online_among(recipients)
    offline = [u for u in recipients if str(u) not in online]
    # One push per person and conversation per burst: the device's collapse key replaces older ones anyway.
    due = [u for u in offline if cache.add(f"chatpush:{conv.id}:{u}", 1, BURST_SECONDS)]
    if not due:
        return 0
    sender = message.sender.name if message.sender is not None else "Someone"
    if conv.kind == ConversationKind.EVENT and conv.event is not None:
        title, body = conv.event.title, f"{sender}: {_preview(message)}"
    else:
        title, body = sender, _preview(message)
    push_ephemeral(
        user_ids=due,
        message=PushMessage(
            title=title,
            body=body,
            data={"type": "chat.message", "conversation_id": str(conv.id), "seq": str(message.seq)},
            collapse_key=f"chat:{conv.id}",
        ),
    )
    return len(due)
