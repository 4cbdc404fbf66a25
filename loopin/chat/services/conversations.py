"""1:1 conversations: friends talk at once; a first message to anyone else is a request the recipient
accepts or declines; a block closes the conversation both ways. Also each member's mute and leave."""

from __future__ import annotations

import uuid
from functools import partial
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from loopin.accounts.error_codes import AccountErrorCode
from loopin.chat import graph, realtime
from loopin.chat.error_codes import ChatErrorCode
from loopin.chat.models import Conversation, ConversationKind, Member, MemberState, RequestState
from loopin.chat.selectors import conversation_detail, member_of, member_readable
from loopin.chat.services.messages import announce_member
from loopin.core.errors import BusinessRuleError, NotFound, PermissionDenied
from loopin.events.selectors.access import holds_host_power

if TYPE_CHECKING:
    from loopin.accounts.models import User


def direct_key(a: uuid.UUID, b: uuid.UUID) -> str:
    return ":".join(sorted([str(a), str(b)]))


def direct_open(*, user: User, other_id: uuid.UUID) -> dict[str, Any]:
    """The caller's 1:1 with another person, created if new: accepted between friends, else a request."""
    if other_id == user.id:
        raise BusinessRuleError("You cannot message yourself.", code=ChatErrorCode.SELF_MESSAGE)
    other = get_user_model().objects.alive().filter(id=other_id, is_active=True).first()
    if other is None:
        raise NotFound("No such person.", code=AccountErrorCode.USER_NOT_FOUND)
    rel = graph.relation(user.id, other_id)
    if rel == graph.BLOCKED:
        raise PermissionDenied("You cannot message this person.", code=ChatErrorCode.BLOCKED)
    key = direct_key(user.id, other_id)
    conv = Conversation.objects.filter(direct_key=key).first()
    if conv is None:
        try:
            with transaction.atomic():
                conv = Conversation.objects.create(
                    kind=ConversationKind.DIRECT,
                    direct_key=key,
                    request_state=RequestState.ACCEPTED if rel == graph.FRIENDS else RequestState.PENDING,
                    requested_by=None if rel == graph.FRIENDS else user,
                )
                Member.objects.bulk_create(
                    [Member(conversation=conv, user=user), Member(conversation=conv, user=other)]
                )
        except IntegrityError:
            conv = Conversation.objects.get(direct_key=key)
        else:
            for uid in (user.id, other.id):
                announce_member(conv.id, uid)
            return conversation_detail(user=user, conversation_id=conv.id)
    with transaction.atomic():
        conv = Conversation.objects.select_for_update().get(id=conv.id)
        if conv.closed_reason == "blocked":  # the block is gone (checked above): they may talk again
            Conversation.objects.filter(id=conv.id).update(closed_at=None, closed_reason="")
        if rel == graph.FRIENDS and conv.request_state != RequestState.ACCEPTED:
            Conversation.objects.filter(id=conv.id).update(request_state=RequestState.ACCEPTED)
        elif conv.request_state == RequestState.DECLINED and conv.requested_by_id != user.id:
            # The one who declined writes after all: that is a new request from them.
            Conversation.objects.filter(id=conv.id).update(request_state=RequestState.PENDING, requested_by=user)
        Member.objects.filter(conversation=conv, user=user, state=MemberState.LEFT).update(
            state=MemberState.ACTIVE, left_at=None
        )
    return conversation_detail(user=user, conversation_id=conv.id)


def request_decide(*, user: User, conversation_id: uuid.UUID, accept: bool) -> dict[str, Any]:
    """The recipient of a message request accepts (they can talk) or declines (the sender can't write more)."""
    with transaction.atomic():
        member = member_of(user_id=user.id, conversation_id=conversation_id)
        conv = Conversation.objects.select_for_update().get(id=member.conversation_id)
        if conv.kind != ConversationKind.DIRECT or conv.request_state != RequestState.PENDING:
            raise BusinessRuleError(
                "There is no message request to answer here.", code=ChatErrorCode.NO_PENDING_REQUEST
            )
        if conv.requested_by_id == user.id:
            raise PermissionDenied("The other person answers your request.", code=ChatErrorCode.OWN_REQUEST)
        Conversation.objects.filter(id=conv.id).update(
            request_state=RequestState.ACCEPTED if accept else RequestState.DECLINED
        )
        detail = conversation_detail(user=user, conversation_id=conv.id)
        transaction.on_commit(lambda: realtime.conversation_changed(detail), robust=True)
    return detail


def direct_close_for_block(*, a_id: uuid.UUID, b_id: uuid.UUID) -> bool:
    """A block between two people closes their 1:1 both ways (readable, no sends). True if there was one."""
    conv = Conversation.objects.filter(direct_key=direct_key(a_id, b_id)).first()
    if conv is None:
        return False
    Conversation.objects.filter(id=conv.id).update(closed_at=timezone.now(), closed_reason="blocked")
    for uid in (a_id, b_id):
        transaction.on_commit(
            partial(realtime.member_left, conversation_id=conv.id, user_id=uid, reason="blocked"), robust=True
        )
    return True


def conversation_mute(*, user: User, conversation_id: uuid.UUID, muted: bool) -> dict[str, Any]:
    """Turn this conversation's pushes off (or on) for the caller; messages still arrive in the app."""
    member = member_readable(user_id=user.id, conversation_id=conversation_id)
    Member.objects.filter(id=member.id).update(push_muted=muted)
    return conversation_detail(user=user, conversation_id=conversation_id)


def conversation_leave(*, user: User, conversation_id: uuid.UUID) -> None:
    """Leave an event chat (the host cannot), or hide a 1:1 until the next message in it."""
    member = member_of(user_id=user.id, conversation_id=conversation_id)
    conv = member.conversation
    if conv.kind == ConversationKind.EVENT and conv.event is not None and holds_host_power(user, conv.event, "message"):
        raise BusinessRuleError(
            "The host cannot leave the event's chat; close it instead.", code=ChatErrorCode.HOST_CANNOT_LEAVE
        )
    with transaction.atomic():
        Member.objects.filter(id=member.id).update(state=MemberState.LEFT, left_at=timezone.now())
        transaction.on_commit(
            lambda: realtime.member_left(conversation_id=conv.id, user_id=user.id, reason="left"), robust=True
        )
