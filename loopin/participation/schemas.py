"""Response shapes of the ticket reads (moved from loopin.events.schemas with the endpoints; same names, so the
OpenAPI components are unchanged)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from loopin.core.links import absolute_url
from loopin.events.schemas import AnswerOut, DisplayTime, EventCardOut, PublicProfileOut
from loopin.tickets.schemas import TicketSourceName, TicketStatusName

if TYPE_CHECKING:
    from loopin.events.selectors.people import Guest
    from loopin.tickets.models import Ticket


class TicketOut(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID
    code: str = Field(description="Short human code for manual entry at the door")
    seats: int
    status: TicketStatusName
    source: TicketSourceName
    issued_at: DisplayTime
    cancelled_at: DisplayTime | None
    calendar_url: str | None = Field(
        description="The ticket as an .ics file (GET with the holder's token); none on the host's guest list"
    )
    event: EventCardOut | None = None
    attendee: PublicProfileOut | None = None
    answers: list[AnswerOut] | None = Field(default=None, description="The attendee's answers (to the host)")
    answers_missing: bool | None = Field(default=None, description="A required question is unanswered (host)")

    @classmethod
    def from_model(cls, ticket: Ticket, *, event: EventCardOut | None = None) -> TicketOut:
        """A ticket as its holder sees it (with its calendar link; `event`: the card, in the holder's list)."""
        return cls(
            **cls._ticket_fields(ticket),
            calendar_url=absolute_url(f"/api/v2/tickets/{ticket.id}/calendar.ics"),
            event=event,
        )

    @staticmethod
    def _ticket_fields(ticket: Ticket) -> dict[str, Any]:
        """The ticket's own fields, alike for its holder and on the guest list."""
        return {
            "id": ticket.id,
            "event_id": ticket.event_id,
            "code": ticket.code,
            "seats": ticket.seats,
            "status": ticket.status,
            "source": ticket.source,
            "issued_at": ticket.issued_at,
            "cancelled_at": ticket.cancelled_at,
        }

    @classmethod
    def from_guest(cls, guest: Guest[Ticket]) -> TicketOut:
        """A row of the host's guest list: the ticket, the attendee's public profile and answers, no calendar
        link."""
        ticket = guest.row
        return cls(
            **cls._ticket_fields(ticket),
            calendar_url=None,
            attendee=PublicProfileOut.from_model(guest.person) if guest.person is not None else None,
            answers=[AnswerOut.from_model(a) for a in guest.answers],
            answers_missing=guest.answers_missing,
        )
