"""Response shapes of the ticket reads (moved from loopin.events.schemas with the endpoints; same names, so the
OpenAPI components are unchanged)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from loopin.events.schemas import AnswerOut, DisplayTime, EventCardOut, PublicProfileOut
from loopin.tickets.schemas import TicketSourceName, TicketStatusName


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
