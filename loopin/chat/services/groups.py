"""Event group chats: one per event, opened when it is published. Members are the host, the door staff and
everyone with a valid ticket; a ticket issued joins, a cancelled or refunded one removes. The host and staff
delete messages (see messages.message_delete), mute members, and close the chat; it stays readable."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.chat import realtime
from loopin.chat.error_codes import ChatErrorCode
from loopin.chat.models import Conversation, ConversationKind, Member, MemberRole, MemberState
from loopin.chat.selectors import conversation_detail, member_of
from loopin.chat.services.messages import announce_member
from loopin.core.errors import NotFound, PermissionDenied
from loopin.events.models import Event
from loopin.events.selectors.access import holds_host_power, host_power_holders, hosted_by
from loopin.events.selectors.blocks import BLOCK_POWER
from loopin.tickets.models import DoorStaff, Ticket, TicketStatus


def event_chat_open(*, event_id: uuid.UUID) -> Conversation | None:
    """Create the event's chat with its host, staff and ticket holders (idempotent); None for a gone event."""
    event = Event.objects.alive().filter(id=event_id).first()
    if event is None:
        return None
    existing = Conversation.objects.filter(event_id=event_id).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            conv = Conversation.objects.create(kind=ConversationKind.EVENT, event=event)
    except IntegrityError:
        return Conversation.objects.get(event_id=event_id)
    # The host: a personal event's person; an organisation's members whose role lets them talk to guests.
    roles: dict[uuid.UUID, str] = dict.fromkeys(host_power_holders(event, "message"), MemberRole.HOST)
    for user_id in DoorStaff.objects.filter(event_id=event_id).values_list("user_id", flat=True):
        roles.setdefault(user_id, MemberRole.STAFF)
    for user_id in Ticket.objects.filter(event_id=event_id, status=TicketStatus.VALID).values_list(
        "user_id", flat=True
    ):
        roles.setdefault(user_id, MemberRole.MEMBER)
    Member.objects.bulk_create(
        [Member(conversation=conv, user_id=u, role=r) for u, r in roles.items()], ignore_conflicts=True
    )
    for user_id in roles:
        announce_member(conv.id, user_id)
    return conv


# A join never lowers a member's part in the chat: a ticket holder made staff or host rises, a host stays one.
_RANK = {MemberRole.MEMBER: 0, MemberRole.STAFF: 1, MemberRole.HOST: 2}


def event_chat_join(*, event_id: uuid.UUID, user_id: uuid.UUID, role: str = MemberRole.MEMBER) -> Member | None:
    """A ticket issued (or staff added, or a host): the person is in the event's chat, back in if they had been
    removed, in the larger of their old and new part."""
    conv = Conversation.objects.filter(event_id=event_id).first()
    if conv is None:
        return None
    with transaction.atomic():
        member, created = Member.objects.select_for_update().get_or_create(
            conversation=conv, user_id=user_id, defaults={"role": role}
        )
        rises = {"role": role} if _RANK[MemberRole(role)] > _RANK[MemberRole(member.role)] else {}
        if not created and member.state == MemberState.ACTIVE:
            if rises:
                Member.objects.filter(id=member.id).update(**rises)
            return member
        if not created:
            Member.objects.filter(id=member.id).update(state=MemberState.ACTIVE, left_at=None, **rises)
        announce_member(conv.id, user_id)
    return member


def event_chats_member_added(*, organisation_id: uuid.UUID, user_id: uuid.UUID) -> int:
    """A member who now holds `message` in an organisation (accepted an invitation, got a larger role, became the
    owner) is a host of the open chats of its live events, as the members were when each chat opened. How many."""
    person = User.objects.filter(id=user_id).first()
    if person is None:
        return 0
    events = list(Event.objects.alive().filter(organisation_id=organisation_id, chat__isnull=False))
    if not events or not holds_host_power(person, events[0], "message"):  # one organisation: one answer for all
        return 0
    return sum(event_chat_join(event_id=e.id, user_id=user_id, role=MemberRole.HOST) is not None for e in events)


def event_chat_hosts_joined(*, event_id: uuid.UUID) -> int:
    """An event that changed hands (a personal event moved into an organisation): everyone who may message its
    guests now is a host of its chat, if it has one (the person who moved it already is). How many joined."""
    event = Event.objects.alive().filter(id=event_id, chat__isnull=False).first()
    if event is None:
        return 0
    holders = host_power_holders(event, "message")
    return sum(event_chat_join(event_id=event.id, user_id=u, role=MemberRole.HOST) is not None for u in holders)


def event_chat_remove(*, event_id: uuid.UUID, user_id: uuid.UUID, reason: str) -> bool:
    """A ticket cancelled or refunded, or a block: out of the chat (the host never is). True if removed."""
    conv = Conversation.objects.filter(event_id=event_id).select_related("event").first()
    if conv is None or conv.event is None or user_id in host_power_holders(conv.event, "message"):
        return False
    if (
        reason == "ticket"
        and Ticket.objects.filter(event_id=event_id, user_id=user_id, status=TicketStatus.VALID).exists()
    ):
        return False  # another valid ticket still lets them in
    if reason == "ticket" and DoorStaff.objects.filter(event_id=event_id, user_id=user_id).exists():
        return False
    updated = Member.objects.filter(conversation=conv, user_id=user_id, state=MemberState.ACTIVE).update(
        state=MemberState.REMOVED, left_at=timezone.now()
    )
    if updated:
        transaction.on_commit(
            lambda: realtime.member_left(conversation_id=conv.id, user_id=user_id, reason=reason), robust=True
        )
    return bool(updated)


def _moderator(user: User, conversation_id: uuid.UUID) -> Member:
    member = member_of(user_id=user.id, conversation_id=conversation_id)
    if member.conversation.kind != ConversationKind.EVENT or not member.can_moderate:
        raise PermissionDenied("Only the host and staff can moderate this chat.", code=ChatErrorCode.NOT_MODERATOR)
    return member


def member_silence(
    *, moderator: User, conversation_id: uuid.UUID, user_id: uuid.UUID, silenced: bool
) -> dict[str, Any]:
    """The host or staff mute (or unmute) a member of the event chat: they keep reading, cannot send."""
    with transaction.atomic():
        mod = _moderator(moderator, conversation_id)
        target = Member.objects.filter(conversation_id=conversation_id, user_id=user_id).first()
        if target is None:
            raise NotFound("This person is not in the chat.", code=ChatErrorCode.MEMBER_NOT_FOUND)
        if target.role == MemberRole.HOST or (target.can_moderate and mod.role != MemberRole.HOST):
            raise PermissionDenied("The host and staff cannot be muted here.", code=ChatErrorCode.CANNOT_MUTE_MODERATOR)
        Member.objects.filter(id=target.id).update(silenced=silenced)
        transaction.on_commit(
            lambda: realtime.member_changed(conversation_id=conversation_id, user_id=user_id, silenced=silenced),
            robust=True,
        )
    return {"conversation_id": str(conversation_id), "user_id": str(user_id), "silenced": silenced}


def conversation_close(*, moderator: User, conversation_id: uuid.UUID, closed: bool = True) -> dict[str, Any]:
    """The host or staff close the event chat (readable, no sends) or open it again."""
    with transaction.atomic():
        _moderator(moderator, conversation_id)
        Conversation.objects.filter(id=conversation_id).update(
            closed_at=timezone.now() if closed else None, closed_reason="host" if closed else ""
        )
        detail = conversation_detail(user=moderator, conversation_id=conversation_id)
        transaction.on_commit(lambda: realtime.conversation_changed(detail), robust=True)
    return detail


def event_chats_after_block(*, a_id: uuid.UUID, b_id: uuid.UUID) -> int:
    """A block between a host and a guest takes the guest out of the host's event chats (the events the host
    hosts for a block: personal ones, and an organisation's while their role holds `decide`). How many."""
    removed = 0
    for host, other in ((a_id, b_id), (b_id, a_id)):
        person = User.objects.filter(id=host).first()
        if person is None:
            continue
        event_ids = Conversation.objects.filter(
            hosted_by(person, BLOCK_POWER, prefix="event__"), members__user_id=other, members__state=MemberState.ACTIVE
        ).values_list("event_id", flat=True)
        for event_id in list(event_ids):
            removed += event_chat_remove(event_id=event_id, user_id=other, reason="blocked")
    return removed
