"""The ticket reads over HTTP: the caller's ticket for an event, the host's guest list, the caller's tickets.

Moved from loopin.events.api (issue 20) with their paths, operation ids, tags and documented errors unchanged.
`events` is mounted where the events router's ticket section was (config/asgi.py), `me` first of participation's
routers, right after the events `me` router, so the OpenAPI document keeps its order.
"""

from __future__ import annotations

import uuid
from typing import Any

from loopin.core.auth import CurrentUser, UngatedUser
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, ok
from loopin.core.pagination import PageParams, run_page
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.participation import staff_reads, ticket_reads
from loopin.participation.schemas import TicketOut
from loopin.tickets.schemas import TicketStatusName

events = APIRouter(prefix="/api/v2/events", tags=["events"])
me = APIRouter(prefix="/api/v2/me", tags=["me"])


@events.get("/{event_id}/my-ticket", response_model=Envelope[TicketOut], responses=error_responses(401, 404, 422))
async def my_ticket(event_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """The caller's ticket for this event."""
    ticket = await run_sync(ticket_reads.my_ticket, user=caller, event_id=event_id)
    return ok(TicketOut.from_model(ticket), "Your ticket")


@events.get(
    "/{event_id}/attendees", response_model=ListEnvelope[TicketOut], responses=error_responses(401, 403, 404, 422)
)
async def attendees(event_id: uuid.UUID, page: PageParams, caller: CurrentUser) -> dict[str, Any]:
    """The host's guest list."""
    return await run_page(staff_reads.event_attendees_and_audit, page, "Attendees", user=caller, event_id=event_id)


@me.get("/tickets", response_model=ListEnvelope[TicketOut], responses=error_responses(401, 422))
async def my_tickets(
    page: PageParams,
    caller: UngatedUser,
    status: TicketStatusName | None = None,
    upcoming: bool | None = None,
) -> dict[str, Any]:
    """The caller's tickets."""
    return await run_page(ticket_reads.my_tickets, page, "Your tickets", user=caller, status=status, upcoming=upcoming)
