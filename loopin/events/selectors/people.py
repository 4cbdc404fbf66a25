"""Reads of the people around an event: join requests, invitations and invite links. (Tickets: participation's
`ticket_reads`.)"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Prefetch, QuerySet

from loopin.accounts.models import Interest, ProfilePicture, User
from loopin.core.errors import NotFound
from loopin.core.links import absolute_url
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import (
    Event,
    Invitation,
    InvitationStatus,
    InviteLink,
    JoinRequest,
)
from loopin.events.questions import answer_sheet
from loopin.events.schemas import EventCardOut
from loopin.events.selectors.access import EventAction, ensure_can_manage, event_for
from loopin.events.selectors.feed import _card_queryset

if TYPE_CHECKING:
    from loopin.tickets.models import Ticket

# ---------------------------------------------------------------- people


def public_users(user_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    users = User.objects.filter(id__in=user_ids).prefetch_related(
        Prefetch("pictures", queryset=ProfilePicture.objects.order_by("position")),
        Prefetch("interests", queryset=Interest.objects.order_by("position")),
    )
    return {u.id: public_profile(u) for u in users}


def public_profile(user: User) -> dict[str, Any]:
    pictures = [p.public_url for p in user.pictures.all()]
    return {
        "id": user.id,
        "name": user.name or None,
        "age": user.age,
        "gender": user.gender or None,
        "picture": pictures[0] if pictures else None,
        "pictures": pictures,
        "bio": user.bio or None,
        "interests": [{"id": i.id, "name": i.name, "slug": i.slug} for i in user.interests.all()],
    }


def managed_event(user: User, event_id: uuid.UUID, action: EventAction) -> Event:
    event = event_for(user, event_id)
    ensure_can_manage(user, event, action)
    return event


def request_out(req: JoinRequest, people: dict[uuid.UUID, dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "id": req.id,
        "event_id": req.event_id,
        "status": req.status,
        "message": req.message,
        "seats_requested": req.seats_requested,
        "host_message": req.host_message or None,
        "created_at": req.created_at,
        "decided_at": req.decided_at,
        "requester": people.get(req.user_id) if people is not None else None,
    }


# A row of a guests page: a join request or a ticket (whose holder answered the event's questions).
Row = TypeVar("Row", JoinRequest, "Ticket")


def guests_with_answers(
    *,
    event_id: uuid.UUID,
    rows: QuerySet[Row],
    offset: int,
    limit: int,
    render: Callable[[Row, dict[str, Any] | None], dict[str, Any]],
) -> tuple[list[dict[str, Any]], int]:
    """One page of guests (requests or tickets, `rows` in their order) with their answers, and the total: each row
    rendered with its person's public profile, then `answers` and `answers_missing` for its tier. The caller checks
    who may read it."""
    total = rows.count()
    page = list(rows[offset : offset + limit])
    people = public_users([r.user_id for r in page])
    sheet = answer_sheet(event_id, [r.user_id for r in page])
    return [
        {
            **render(r, people.get(r.user_id)),
            "answers": sheet.answers(r.user_id),
            "answers_missing": sheet.missing(r.user_id, r.tier_id),
        }
        for r in page
    ], total


def event_requests(
    *, user: User, event_id: uuid.UUID, status: str | None, offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """The host's list of requests, each with the requester's public profile and answers."""
    managed_event(user, event_id, "view_requests")
    qs = JoinRequest.objects.filter(event_id=event_id)
    if status:
        qs = qs.filter(status=status)
    return guests_with_answers(
        event_id=event_id, rows=qs.order_by("created_at", "id"), offset=offset, limit=limit, render=_request_row
    )


def _request_row(req: JoinRequest, person: dict[str, Any] | None) -> dict[str, Any]:
    return {**request_out(req), "requester": person}


def my_request(*, user: User, event_id: uuid.UUID) -> dict[str, Any]:

    event_for(user, event_id)
    req = JoinRequest.objects.filter(event_id=event_id, user=user).order_by("-created_at").first()
    if req is None:
        raise NotFound("You have not asked to join this event.", code=EventErrorCode.REQUEST_NOT_FOUND)
    return request_out(req)


def event_summaries(event_ids: list[uuid.UUID], user: User) -> dict[uuid.UUID, EventCardOut]:
    return {e.id: EventCardOut.from_model(e) for e in _card_queryset(user).filter(id__in=event_ids)}


def my_requests(*, user: User, status: str | None, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    qs = JoinRequest.objects.filter(user=user, event__in=Event.objects.alive())
    if status:
        qs = qs.filter(status=status)
    total = qs.count()
    page = list(qs.order_by("-created_at", "id")[offset : offset + limit])
    events = event_summaries([r.event_id for r in page], user)
    return [{**request_out(r), "event": events.get(r.event_id)} for r in page], total


def invitation_out(
    inv: Invitation,
    people: dict[uuid.UUID, dict[str, Any]] | None = None,
    events: dict[uuid.UUID, EventCardOut] | None = None,
) -> dict[str, Any]:
    status = inv.status
    if status == InvitationStatus.PENDING and inv.is_expired:
        status = "expired"
    return {
        "id": inv.id,
        "event_id": inv.event_id,
        "status": status,
        "message": inv.message or None,
        "expires_at": inv.expires_at,
        "responded_at": inv.responded_at,
        "created_at": inv.created_at,
        "via_link": inv.link_id is not None,
        "invitee": people.get(inv.invitee_id) if people is not None else None,
        "event": events.get(inv.event_id) if events is not None else None,
    }


def event_invitations(*, user: User, event_id: uuid.UUID, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    managed_event(user, event_id, "view_invitations")
    qs = Invitation.objects.filter(event_id=event_id)
    total = qs.count()
    page = list(qs.order_by("-created_at", "id")[offset : offset + limit])
    people = public_users([i.invitee_id for i in page])
    return [invitation_out(i, people) for i in page], total


def my_invitations(*, user: User, status: str | None, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    qs = Invitation.objects.filter(invitee=user, event__in=Event.objects.alive())
    if status:
        qs = qs.filter(status=status)
    total = qs.count()
    page = list(qs.order_by("-created_at", "id")[offset : offset + limit])
    events = event_summaries([i.event_id for i in page], user)
    return [invitation_out(i, events=events) for i in page], total


def event_invite_links(*, user: User, event_id: uuid.UUID) -> list[dict[str, Any]]:
    managed_event(user, event_id, "view_invitations")
    return [invite_link_out(link) for link in InviteLink.objects.filter(event_id=event_id).order_by("-created_at")]


def invite_link_out(link: InviteLink) -> dict[str, Any]:
    return {
        "id": link.id,
        "token": link.token,
        "expires_at": link.expires_at,
        "max_uses": link.max_uses,
        "uses": link.uses,
        "is_active": link.is_active,
        "created_at": link.created_at,
        "url": absolute_url(f"/invite/{link.token}"),
    }
