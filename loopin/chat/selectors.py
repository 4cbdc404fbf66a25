"""Reads for chat: a member's conversations, history by sequence, sync after reconnect, one message's shape."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet

from loopin.chat.error_codes import ChatErrorCode
from loopin.chat.models import Conversation, ConversationKind, Member, MemberRole, MemberState, Message, Reaction
from loopin.core.errors import NotFound
from loopin.core.settings import get_settings
from loopin.events.selectors.access import holds_host_power
from loopin.media.selectors import media_data

if TYPE_CHECKING:
    from loopin.accounts.models import User

DELETED_USER = "Deleted user"


def _sender(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    if user.deleted_at is not None:
        return {"id": None, "name": DELETED_USER}
    return {"id": str(user.id), "name": user.name}


def message_out(m: Message) -> dict[str, Any]:
    """A message as sockets and REST send it; a deleted message keeps its place with no content (tombstone)."""
    deleted = m.deleted_at is not None
    reactions: dict[str, list[str]] = {}
    if not deleted:
        for r in m.reactions.all():
            reactions.setdefault(r.emoji, []).append(str(r.user_id))
    attachment = None
    if m.attachment and not deleted:
        attachment = {
            "url": m.attachment.url,
            "name": m.attachment_name,
            "content_type": m.attachment_type,
            "size": m.attachment_size,
        }
    sender = _sender(m.sender) if m.sender_id else {"id": None, "name": DELETED_USER}
    return {
        "id": str(m.id),
        "conversation_id": str(m.conversation_id),
        "seq": m.seq,
        "change_seq": m.change_seq,
        "client_message_id": m.client_message_id or None,
        "sender": None if m.kind == "system" else sender,
        "kind": m.kind,
        "body": "" if deleted else m.body,
        "attachment": attachment,
        "media": media_data(m.media) if m.media_id and m.media is not None and not deleted else None,
        "reply_to": {"id": str(m.reply_to_id), "seq": m.reply_to.seq} if m.reply_to_id and m.reply_to else None,
        "ref": {"type": m.ref_type, "id": m.ref_id} if m.ref_type and not deleted else None,
        "reactions": reactions,
        "created_at": m.created_at.isoformat(),
        "edited_at": m.edited_at.isoformat() if m.edited_at else None,
        "deleted": deleted,
    }


def messages_qs() -> QuerySet[Message]:
    return Message.objects.select_related("sender", "reply_to", "media").prefetch_related(
        Prefetch("reactions", queryset=Reaction.objects.order_by("created_at"))
    )


def message_payload(*, message_id: uuid.UUID) -> dict[str, Any]:
    return message_out(messages_qs().get(id=message_id))


def member_of(*, user_id: uuid.UUID, conversation_id: uuid.UUID, active: bool = True) -> Member:
    """The caller's membership (with its conversation), or 404: nobody learns a chat exists by probing."""
    qs = Member.objects.select_related("conversation__event__organisation", "user").filter(
        user_id=user_id, conversation_id=conversation_id
    )
    if active:
        qs = qs.filter(state=MemberState.ACTIVE)
    member = qs.first()
    if member is None or not hosts_still(member):
        raise NotFound("No such conversation.", code=ChatErrorCode.CONVERSATION_NOT_FOUND)
    return member


def hosts_still(member: Member) -> bool:
    """A host of an organisation's event chat is one while their role allows `message` (read fresh: a member
    removed from the organisation, or moved to a smaller role, is out of the chat at once)."""
    event = member.conversation.event
    if member.role != MemberRole.HOST or event is None or event.organisation_id is None:
        return True
    return holds_host_power(member.user, event, "message")


def member_readable(*, user_id: uuid.UUID, conversation_id: uuid.UUID) -> Member:
    """Members read; people who left or were removed keep reading what was said while they were in."""
    return member_of(user_id=user_id, conversation_id=conversation_id, active=False)


def messages_page(
    *, user: User, conversation_id: uuid.UUID, after_seq: int | None, before_seq: int | None, limit: int
) -> dict[str, Any]:
    """History by sequence: `after_seq` pages forward (sync), `before_seq` backward (scrolling up); oldest first."""
    member = member_readable(user_id=user.id, conversation_id=conversation_id)
    conv = member.conversation
    qs = messages_qs().filter(conversation_id=conversation_id)
    if member.state != MemberState.ACTIVE and member.left_at is not None:
        qs = qs.filter(created_at__lte=member.left_at)
    if before_seq is not None:
        rows = list(qs.filter(seq__lt=before_seq).order_by("-seq")[: limit + 1])
        has_more = len(rows) > limit
        rows = list(reversed(rows[:limit]))
    else:
        rows = list(qs.filter(seq__gt=after_seq or 0).order_by("seq")[: limit + 1])
        has_more = len(rows) > limit
        rows = rows[:limit]
    return {
        "conversation_id": str(conv.id),
        "last_seq": conv.last_seq,
        "change_seq": conv.change_seq,
        "messages": [message_out(m) for m in rows],
        "has_more": has_more,
    }


def chat_sync(*, user: User, positions: dict[str, dict[str, int]]) -> dict[str, Any]:
    """After a reconnect: for each conversation, what came after the client's last seq, and what changed.

    `positions` maps conversation id -> {"after_seq", "after_change"}; conversations the client does not
    name are answered from 0 (a new chat, or a fresh install). A page is `CHAT_SYNC_LIMIT` messages per
    conversation; `has_more` says to ask again from the new last seq.
    """
    limit = get_settings().CHAT_SYNC_LIMIT
    members = list(Member.objects.select_related("conversation").filter(user_id=user.id, state=MemberState.ACTIVE))
    out = []
    for member in members:
        conv = member.conversation
        pos = positions.get(str(conv.id)) or {}
        after_seq = int(pos.get("after_seq") or 0)
        after_change = int(pos.get("after_change") or 0)
        if conv.last_seq <= after_seq and conv.change_seq <= after_change:
            continue
        qs = messages_qs().filter(conversation_id=conv.id)
        new = list(qs.filter(seq__gt=after_seq).order_by("seq")[: limit + 1])
        changed: list[Message] = []
        if after_change and conv.change_seq > after_change:
            changed = list(qs.filter(seq__lte=after_seq, change_seq__gt=after_change).order_by("seq")[:limit])
        out.append(
            {
                "conversation_id": str(conv.id),
                "last_seq": conv.last_seq,
                "change_seq": conv.change_seq,
                "messages": [message_out(m) for m in new[:limit]],
                "updated": [message_out(m) for m in changed],
                "has_more": len(new) > limit,
                "last_read_seq": member.last_read_seq,
            }
        )
    return {"conversations": out}


def _title(conv: Conversation, user_id: uuid.UUID, others: dict[uuid.UUID, User]) -> str:
    if conv.kind == ConversationKind.EVENT and conv.event is not None:
        return conv.event.title
    other = others.get(conv.id)
    if other is None:
        return ""
    return DELETED_USER if other.deleted_at is not None else other.name


def conversation_out(member: Member, *, last: Message | None, other: Any = None) -> dict[str, Any]:
    conv = member.conversation
    return {
        "id": str(conv.id),
        "kind": conv.kind,
        "title": _title(conv, member.user_id, {conv.id: other} if other is not None else {}),
        "event_id": str(conv.event_id) if conv.event_id else None,
        "other_user": _sender(other) if other is not None else None,
        "request_state": conv.request_state,
        "requested_by": str(conv.requested_by_id) if conv.requested_by_id else None,
        "role": member.role,
        "state": member.state,
        "last_seq": conv.last_seq,
        "change_seq": conv.change_seq,
        "last_read_seq": member.last_read_seq,
        "unread": max(conv.last_seq - member.last_read_seq, 0) if member.state == MemberState.ACTIVE else 0,
        "push_muted": member.push_muted,
        "silenced": member.silenced,
        "closed": conv.is_closed,
        "last_message": message_out(last) if last is not None else None,
        "last_message_at": conv.last_message_at.isoformat() if conv.last_message_at else None,
    }


def conversations_list(*, user: User, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """The caller's conversations, latest activity first, each with its last message and unread count.

    Four queries a page whatever its size: members, last messages, reactions, the other people of 1:1s.
    """
    qs = (
        Member.objects.select_related("conversation", "conversation__event")
        .filter(user_id=user.id)
        .exclude(state=MemberState.REMOVED)
        .order_by("-conversation__last_message_at", "-conversation__created_at")
    )
    total = qs.count()
    members = list(qs[offset : offset + limit])
    wanted = Q()
    for m in members:
        if m.conversation.last_seq:
            wanted |= Q(conversation_id=m.conversation_id, seq=m.conversation.last_seq)
    last = {msg.conversation_id: msg for msg in messages_qs().filter(wanted)} if wanted else {}
    direct_ids = [m.conversation_id for m in members if m.conversation.kind == ConversationKind.DIRECT]
    others = {
        o.conversation_id: o.user
        for o in Member.objects.select_related("user").filter(conversation_id__in=direct_ids).exclude(user_id=user.id)
    }
    items = [
        conversation_out(m, last=last.get(m.conversation_id), other=others.get(m.conversation_id)) for m in members
    ]
    return items, total


def conversation_detail(*, user: User, conversation_id: uuid.UUID) -> dict[str, Any]:
    member = member_readable(user_id=user.id, conversation_id=conversation_id)
    conv = member.conversation
    last = messages_qs().filter(conversation_id=conv.id, seq=conv.last_seq).first() if conv.last_seq else None
    other = None
    if conv.kind == ConversationKind.DIRECT:
        o = Member.objects.select_related("user").filter(conversation_id=conv.id).exclude(user_id=user.id).first()
        other = o.user if o else None
    return conversation_out(member, last=last, other=other)


def unread_total(*, user: User) -> dict[str, int]:
    """Unread messages over every active conversation, and how many conversations have some."""
    rows = Member.objects.filter(user_id=user.id, state=MemberState.ACTIVE).values_list(
        "conversation__last_seq", "last_read_seq"
    )
    counts = [max(last - read, 0) for last, read in rows]
    return {"unread": sum(counts), "conversations": sum(1 for c in counts if c)}


def active_conversation_ids(*, user_id: uuid.UUID) -> list[uuid.UUID]:
    return list(
        Member.objects.filter(user_id=user_id, state=MemberState.ACTIVE).values_list("conversation_id", flat=True)
    )


def member_user_ids(*, conversation_id: uuid.UUID) -> list[uuid.UUID]:
    return list(
        Member.objects.filter(conversation_id=conversation_id, state=MemberState.ACTIVE).values_list(
            "user_id", flat=True
        )
    )
