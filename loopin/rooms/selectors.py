"""Reads of rooms: discovery of live rooms (friends in the room first), one room with who is in it."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from loopin.core.errors import NotFound, PermissionDenied
from loopin.events.models import Event
from loopin.events.selectors.access import holds_host_power, hosted_by
from loopin.people.selectors import blocked_ids, friend_ids_subquery
from loopin.rooms.error_codes import RoomErrorCode
from loopin.rooms.models import ON_STAGE, PRESENT, Role, Room, RoomBan, RoomMember, RoomState
from loopin.rooms.realtime import member_payload
from loopin.tickets.models import Ticket, TicketStatus

if TYPE_CHECKING:
    from loopin.accounts.models import User

STAGE_PREVIEW = 5


def host_ids(room: Room) -> list[uuid.UUID]:
    return list(RoomMember.objects.filter(PRESENT, room=room, role=Role.HOST).values_list("user_id", flat=True))


def may_attend_event(user: User, event: Event) -> bool:
    """An event's room is for its host (an organisation's members whose role lets them talk to guests:
    `message`) and the people holding a valid ticket."""
    if holds_host_power(user, event, "message"):
        return True
    return Ticket.objects.filter(event=event, user_id=user.id, status=TicketStatus.VALID).exists()


def ensure_may_enter(user: User, room: Room) -> None:
    """Signed in, not banned, no block with a host, and for an event's room: its host or a ticket holder."""
    if room.event is not None and not may_attend_event(user, room.event):
        raise PermissionDenied(
            "This room is for the event's host and ticket holders.", code=RoomErrorCode.ROOM_NOT_ALLOWED
        )
    if RoomBan.objects.filter(room=room, user_id=user.id).exists():
        raise PermissionDenied("You were removed from this room.", code=RoomErrorCode.ROOM_BANNED)
    hosts = set(host_ids(room)) | ({room.created_by_id} if room.created_by_id else set())
    if hosts & blocked_ids(user):
        # The same refusal as for an event's room: it does not reveal the block.
        raise PermissionDenied("You cannot join this room.", code=RoomErrorCode.ROOM_NOT_ALLOWED)


def room_payload(room: Room, *, listeners: int | None = None, friends_here: int | None = None) -> dict[str, Any]:
    """A room as lists and the room's own page show it (`stage` is the preview of who is on stage)."""
    stage = getattr(room, "stage", None)
    return {
        "id": room.id,
        "title": room.title,
        "topic": room.topic,
        "interests": [{"id": i.id, "name": i.name} for i in room.interests.all()],
        "event_id": room.event_id,
        "state": room.state,
        "end_reason": room.end_reason or None,
        "starts_at": room.starts_at,
        "started_at": room.started_at,
        "ended_at": room.ended_at,
        "max_speakers": room.max_speakers,
        "created_by": None if room.created_by is None else {"id": room.created_by_id, "name": room.created_by.name},
        "listeners": listeners,
        "friends_here": friends_here,
        "stage": None if stage is None else [member_payload(m) for m in stage[:STAGE_PREVIEW]],
    }


def _stage() -> Prefetch[str, QuerySet[RoomMember], str]:
    return Prefetch(
        "members",
        queryset=RoomMember.objects.filter(PRESENT, role__in=ON_STAGE).select_related("user").order_by("joined_at"),
        to_attr="stage",
    )


def rooms_live(*, user: User, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Live rooms the person may join, those with the most friends in them first, then the busiest.

    Left out: rooms hosted by someone on either side of a block with them, rooms they are banned from,
    and event rooms of events they hold no ticket for (and do not host).
    """
    blocked = blocked_ids(user)
    hosted_by_blocked = RoomMember.objects.filter(PRESENT, room=OuterRef("pk"), role=Role.HOST, user_id__in=blocked)
    ticket = Ticket.objects.filter(event=OuterRef("event_id"), user_id=user.id, status=TicketStatus.VALID)
    banned = RoomBan.objects.filter(room=OuterRef("pk"), user_id=user.id)
    qs = (
        Room.objects.filter(state=RoomState.LIVE)
        .filter(Q(event__isnull=True) | hosted_by(user, "message", prefix="event__") | Exists(ticket))
        .exclude(Exists(hosted_by_blocked))
        .exclude(Exists(banned))
        .exclude(created_by_id__in=blocked)
    )
    total = qs.count()
    rows = (
        qs.annotate(
            listeners=Count("members", filter=Q(members__left_at__isnull=True)),
            friends_here=Count(
                "members",
                filter=Q(members__left_at__isnull=True, members__user_id__in=friend_ids_subquery(user)),
            ),
        )
        .select_related("created_by")
        .prefetch_related("interests", _stage())
        .order_by("-friends_here", "-listeners", "-started_at", "id")[offset : offset + limit]
    )
    return [room_payload(r, listeners=r.listeners, friends_here=r.friends_here) for r in rows], total


def room_detail(*, user: User, room_id: uuid.UUID) -> dict[str, Any]:
    """One room with everyone in it now (stage first, then raised hands, then the audience)."""
    room = Room.objects.select_related("created_by", "event").prefetch_related("interests").filter(id=room_id).first()
    if room is None:
        raise NotFound("No such room.", code=RoomErrorCode.ROOM_NOT_FOUND)
    me = RoomMember.objects.select_related("user").filter(PRESENT, room=room, user_id=user.id).first()
    if me is None:
        ensure_may_enter(user, room)
    members = list(RoomMember.objects.filter(PRESENT, room=room).select_related("user"))
    order: dict[str, int] = {Role.HOST: 0, Role.MODERATOR: 1, Role.SPEAKER: 2, Role.AUDIENCE: 3}
    members.sort(key=lambda m: (order[m.role], m.hand_raised_at is None, m.hand_raised_at or m.joined_at,
                                m.joined_at))  # fmt: skip
    data = room_payload(room, listeners=len(members))
    data["members"] = [member_payload(m) for m in members]
    data["me"] = None if me is None else member_payload(me)
    return data


def session_payload(member: RoomMember, token: Any) -> dict[str, Any]:
    """What joining answers: the room, the caller's place in it, and their LiveKit connection."""
    return {
        "room_id": member.room_id,
        "me": member_payload(member),
        "media": {
            "url": token.url,
            "token": token.token,
            "expires_at": token.expires_at,
            "room": f"room-{member.room_id}",
        },  # fmt: skip
    }
