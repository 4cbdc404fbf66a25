"""Reads of the people around an event: join requests, invitations and invite links. (Tickets: participation's
`ticket_reads`.)"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from django.db.models import Prefetch, QuerySet

from loopin.accounts.models import Interest, ProfilePicture, User
from loopin.core.errors import NotFound
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import (
    Event,
    Invitation,
    InviteLink,
    JoinRequest,
)
from loopin.events.questions import Answered, answer_sheet
from loopin.events.schemas import EventCardOut, InvitationOut, JoinRequestOut
from loopin.events.selectors.access import EventAction, ensure_can_manage, event_for
from loopin.events.selectors.feed import _card_queryset

if TYPE_CHECKING:
    from loopin.tickets.models import Ticket

# ---------------------------------------------------------------- people


def public_users(user_ids: list[uuid.UUID]) -> dict[uuid.UUID, User]:
    """The people by id, with what `PublicProfileOut.from_model` shows (pictures, interests) prefetched."""
    users = User.objects.filter(id__in=user_ids).prefetch_related(
        Prefetch("pictures", queryset=ProfilePicture.objects.order_by("position")),
        Prefetch("interests", queryset=Interest.objects.order_by("position")),
    )
    return {u.id: u for u in users}


def managed_event(user: User, event_id: uuid.UUID, action: EventAction) -> Event:
    event = event_for(user, event_id)
    ensure_can_manage(user, event, action)
    return event


# A row of a guests page: a join request or a ticket (whose holder answered the event's questions).
Row = TypeVar("Row", JoinRequest, "Ticket")


@dataclass(frozen=True)
class Guest(Generic[Row]):
    """One row of a guests page: the request or ticket, its person (prefetched for `PublicProfileOut.from_model`;
    None when the account is gone) and their answers to the event's questions."""

    row: Row
    person: User | None
    answers: list[Answered]
    answers_missing: bool


def guests_with_answers(
    *, event_id: uuid.UUID, rows: QuerySet[Row], offset: int, limit: int
) -> tuple[list[Guest[Row]], int]:
    """One page of guests (requests or tickets, `rows` in their order) with their people and answers, and the
    total. The caller checks who may read it."""
    total = rows.count()
    page = list(rows[offset : offset + limit])
    people = public_users([r.user_id for r in page])
    sheet = answer_sheet(event_id, [r.user_id for r in page])
    return [
        Guest(
            row=r,
            person=people.get(r.user_id),
            answers=sheet.answers(r.user_id),
            answers_missing=sheet.missing(r.user_id, r.tier_id),
        )
        for r in page
    ], total


def event_requests(
    *, user: User, event_id: uuid.UUID, status: str | None, offset: int, limit: int
) -> tuple[list[JoinRequestOut], int]:
    """The host's list of requests, each with the requester's public profile and answers."""
    managed_event(user, event_id, "view_requests")
    qs = JoinRequest.objects.filter(event_id=event_id)
    if status:
        qs = qs.filter(status=status)
    rows = qs.order_by("created_at", "id")
    guests, total = guests_with_answers(event_id=event_id, rows=rows, offset=offset, limit=limit)
    return [JoinRequestOut.from_guest(g) for g in guests], total


def my_request(*, user: User, event_id: uuid.UUID) -> JoinRequest:
    """The caller's latest request to join the event."""
    event_for(user, event_id)
    req = JoinRequest.objects.filter(event_id=event_id, user=user).order_by("-created_at").first()
    if req is None:
        raise NotFound("You have not asked to join this event.", code=EventErrorCode.REQUEST_NOT_FOUND)
    return req


def event_summaries(event_ids: list[uuid.UUID], user: User) -> dict[uuid.UUID, EventCardOut]:
    return {e.id: EventCardOut.from_model(e) for e in _card_queryset(user).filter(id__in=event_ids)}


def my_requests(*, user: User, status: str | None, offset: int, limit: int) -> tuple[list[JoinRequestOut], int]:
    qs = JoinRequest.objects.filter(user=user, event__in=Event.objects.alive())
    if status:
        qs = qs.filter(status=status)
    total = qs.count()
    page = list(qs.order_by("-created_at", "id")[offset : offset + limit])
    events = event_summaries([r.event_id for r in page], user)
    return [JoinRequestOut.from_model(r, event=events.get(r.event_id)) for r in page], total


def event_invitations(*, user: User, event_id: uuid.UUID, offset: int, limit: int) -> tuple[list[InvitationOut], int]:
    managed_event(user, event_id, "view_invitations")
    qs = Invitation.objects.filter(event_id=event_id)
    total = qs.count()
    page = list(qs.order_by("-created_at", "id")[offset : offset + limit])
    people = public_users([i.invitee_id for i in page])
    return [InvitationOut.from_model(i, invitee=people.get(i.invitee_id)) for i in page], total


def my_invitations(*, user: User, status: str | None, offset: int, limit: int) -> tuple[list[InvitationOut], int]:
    qs = Invitation.objects.filter(invitee=user, event__in=Event.objects.alive())
    if status:
        qs = qs.filter(status=status)
    total = qs.count()
    page = list(qs.order_by("-created_at", "id")[offset : offset + limit])
    events = event_summaries([i.event_id for i in page], user)
    return [InvitationOut.from_model(i, event=events.get(i.event_id)) for i in page], total


def event_invite_links(*, user: User, event_id: uuid.UUID) -> list[InviteLink]:
    managed_event(user, event_id, "view_invitations")
    return list(InviteLink.objects.filter(event_id=event_id).order_by("-created_at"))
