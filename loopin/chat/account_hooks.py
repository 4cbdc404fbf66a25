"""Chat's part in the account lifecycle and in a socket's life (registered in chat.receivers.connect)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from loopin.chat import graph, realtime
from loopin.chat.models import Member, MemberState, Message, MessageReport, Reaction
from loopin.chat.presence import last_seen, presence_down, presence_up
from loopin.chat.selectors import active_conversation_ids
from loopin.chat.services.messages import _delete_file

if TYPE_CHECKING:
    from loopin.accounts.models import User


def erase_chat(user: User) -> None:
    """Deletion: the person's messages stay in others' chats as "Deleted user"; their attachments are erased."""
    files = [
        name
        for name in Message.objects.filter(sender=user).exclude(attachment="").values_list("attachment", flat=True)
        if name
    ]
    Message.objects.filter(sender=user).exclude(attachment="").update(
        attachment="", attachment_name="", attachment_size=0
    )
    Message.objects.filter(sender=user).update(sender=None, client_message_id="")
    Reaction.objects.filter(user=user).delete()
    MessageReport.objects.filter(reporter=user).update(reporter=None)
    Member.objects.filter(user=user).update(state=MemberState.LEFT)
    for name in files:
        transaction.on_commit(lambda name=name: _delete_file(name), robust=True)


def export_chat(user: User) -> dict[str, Any]:
    """Everything the person wrote, and the conversations they are in."""
    messages = (
        Message.objects.filter(sender=user)
        .order_by("created_at")
        .values(
            "id", "conversation_id", "seq", "kind", "body", "attachment_name", "created_at", "edited_at", "deleted_at"
        )
    )
    return {
        "messages": [
            {
                **{k: (str(v) if k in ("id", "conversation_id") else v) for k, v in m.items()},
                "created_at": m["created_at"].isoformat(),
                "edited_at": m["edited_at"].isoformat() if m["edited_at"] else None,
                "deleted_at": m["deleted_at"].isoformat() if m["deleted_at"] else None,
            }
            for m in messages
        ],
        "conversations": [
            {"id": str(cid), "role": role, "state": state, "last_read_seq": read}
            for cid, role, state, read in Member.objects.filter(user=user).values_list(
                "conversation_id", "role", "state", "last_read_seq"
            )
        ],
    }


def socket_opened(user: User) -> list[str]:
    """A new socket joins the rooms of the person's conversations; their friends see them come online."""
    if presence_up(user.id):
        watchers = graph.presence_watchers(user.id)
        if watchers:
            realtime.presence(watcher_ids=watchers, user_id=user.id, online=True, last_seen=None)
    return [realtime.conversation_room(cid) for cid in active_conversation_ids(user_id=user.id)]


def socket_closed(user_id: Any) -> None:
    if presence_down(user_id):
        watchers = graph.presence_watchers(user_id)
        if watchers:
            seen = last_seen([user_id]).get(str(user_id))
            realtime.presence(watcher_ids=watchers, user_id=user_id, online=False, last_seen=seen)
