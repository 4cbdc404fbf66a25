"""Reads of tickets around an event: the caller's ticket and tickets, the host's guest list (moved from
loopin.events.selectors.people)."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from loopin.accounts.models import User
from loopin.core.errors import NotFound
from loopin.core.links import absolute_url
from loopin.events.models import Event
from loopin.events.schemas import EventCardOut, PublicProfileOut
from loopin.events.selectors.access import event_for
from loopin.events.selectors.people import Guest, event_summaries, guests_with_answers, managed_event
from loopin.people.selectors import exclude_blocked
from loopin.tickets.error_codes import TicketErrorCode
from loopin.tickets.models import Ticket, TicketStatus


def ticket_out(
    ticket: Ticket, event: EventCardOut | None = None, person: PublicProfileOut | None = None
) -> dict[str, Any]:
    """A ticket as its holder sees it; the host's guest list (`person` given) carries no calendar link."""
    return {
        "id": ticket.id,
        "event_id": ticket.event_id,
        "code": ticket.code,
        "seats": ticket.seats,
        "status": ticket.status,
        "source": ticket.source,
        "issued_at": ticket.issued_at,
        "cancelled_at": ticket.cancelled_at,
        "calendar_url": None if person else absolute_url(f"/api/v2/tickets/{ticket.id}/calendar.ics"),
        "event": event,
        "attendee": person,
    }


def event_attendees(*, user: User, event_id: uuid.UUID, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """The host's guest list: valid tickets with each attendee's public profile and answers (nobody blocked
    either way)."""
    managed_event(user, event_id, "view_attendees")
    qs = exclude_blocked(Ticket.objects.filter(event_id=event_id, status=TicketStatus.VALID), user, field="user_id")
    rows = qs.order_by("issued_at", "id")
    guests, total = guests_with_answers(event_id=event_id, rows=rows, offset=offset, limit=limit)
    return [_attendee_row(g) for g in guests], total


def _attendee_row(guest: Guest[Ticket]) -> dict[str, Any]:
    person = PublicProfileOut.from_model(guest.person) if guest.person is not None else None
    return {
        **ticket_out(guest.row),
        "calendar_url": None,  # the host's guest list carries no calendar link
        "attendee": person.model_dump() if person is not None else None,
        "answers": guest.answers,
        "answers_missing": guest.answers_missing,
    }


def my_ticket(*, user: User, event_id: uuid.UUID) -> dict[str, Any]:

    event_for(user, event_id)
    ticket = Ticket.objects.filter(event_id=event_id, user=user).order_by("-issued_at").first()
    if ticket is None:
        raise NotFound("You have no ticket for this event.", code=TicketErrorCode.TICKET_NOT_FOUND)
    return ticket_out(ticket)


def my_tickets(
    *, user: User, status: str | None, upcoming: bool | None, offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    qs = Ticket.objects.filter(user=user, event__in=Event.objects.alive())
    if status:
        qs = qs.filter(status=status)
    if upcoming is True:
        qs = qs.filter(event__end_at__gte=timezone.now())
    elif upcoming is False:
        qs = qs.filter(event__end_at__lt=timezone.now())
    total = qs.count()
    page = list(qs.order_by("-issued_at", "id")[offset : offset + limit])
    events = event_summaries([t.event_id for t in page], user)
    return [ticket_out(t, event=events.get(t.event_id)) for t in page], total
