"""Who may call whom: friends, or two people with an open 1:1 chat; never across a block (either way)."""

from __future__ import annotations

import uuid

from loopin.chat.models import Conversation, ConversationKind, RequestState
from loopin.chat.services.conversations import direct_key
from loopin.people.selectors import are_friends, is_blocked_between


def has_open_direct_chat(a_id: uuid.UUID, b_id: uuid.UUID) -> bool:
    """An accepted (not pending, not declined) 1:1 that neither a block nor a close has shut."""
    return Conversation.objects.filter(
        kind=ConversationKind.DIRECT,
        direct_key=direct_key(a_id, b_id),
        request_state=RequestState.ACCEPTED,
        closed_at__isnull=True,
    ).exists()


def may_call(caller_id: uuid.UUID, callee_id: uuid.UUID) -> bool:
    if is_blocked_between(caller_id, callee_id):
        return False
    return are_friends(caller_id, callee_id) or has_open_direct_chat(caller_id, callee_id)
