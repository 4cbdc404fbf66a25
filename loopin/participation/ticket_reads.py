"""Reads of tickets around an event: the caller's ticket and tickets, the host's guest list (moved from
loopin.events.selectors.people)."""

from __future__ import annotations

import uuid

from django.utils import timezone

from loopin.accounts.models import User
from loopin.core.errors import NotFound
from loopin.events.models import Event
from loopin.events.selectors.access import event_for
from loopin.events.selectors.people import event_summaries, guests_with_answers, managed_event
from loopin.participation.schemas import TicketOut
from loopin.people.selectors import exclude_blocked
from loopin.tickets.error_codes import TicketErrorCode
from loopin.tickets.models import Ticket, TicketStatus


def event_attendees(*, user: User, event_id: uuid.UUID, offset: int, limit: int) -> tuple[list[TicketOut], int]:
    """The host's guest list: valid tickets with each attendee's public profile and answers (nobody blocked
    either way)."""
    managed_event(user, event_id, "view_attendees")
    qs = exclude_blocked(Ticket.objects.filter(event_id=event_id, status=TicketStatus.VALID), user, field="user_id")
    rows = qs.order_by("issued_at", "id")
    guests, total = guests_with_answers(event_id=event_id, rows=rows, offset=offset, limit=limit)
    return [TicketOut.from_guest(g) for g in guests], total


def my_ticket(*, user: User, event_id: uuid.UUID) -> Ticket:
    """The caller's latest ticket for an event they can see."""
    event_for(user, event_id)
    ticket = Ticket.objects.filter(event_id=event_id, user=user).order_by("-issued_at").first()
    if ticket is None:
        raise NotFound("You have no ticket for this event.", code=TicketErrorCode.TICKET_NOT_FOUND)
    return ticket


def my_tickets(
    *, user: User, status: str | None, upcoming: bool | None, offset: int, limit: int
) -> tuple[list[TicketOut], int]:
    """The caller's tickets, newest first, each with its event's card."""
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
    return [TicketOut.from_model(t, event=events.get(t.event_id)) for t in page], total
