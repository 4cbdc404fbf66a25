"""What participation tells events about ticket holders, without events importing it (or tickets).

Tickets and participation sit above events in the import graph (a Ticket has a foreign key to Event), yet a
private event is visible to those who hold a ticket, an event card shows whether the caller is going, and
answers given after taking part are tied to the ticket. Participation registers one `TicketHolders` here in its
AppConfig.ready() (`loopin.participation.holders`); with none registered (events alone) nobody holds a ticket.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.db.models import BooleanField, Value

if TYPE_CHECKING:
    from loopin.tickets.models import Ticket


class TicketHolders(Protocol):
    def holds_any(self, user_id: uuid.UUID, event_id: uuid.UUID) -> bool:
        """Whether the person has (or had) a ticket of any status for the event."""

    def going(self, user_id: uuid.UUID) -> Any:
        """An annotation on an Event queryset: the person holds a valid ticket for that event (OuterRef("id"))."""

    def valid_ticket(self, user_id: uuid.UUID, event_id: uuid.UUID) -> Ticket | None:
        """The person's valid ticket for the event, or None."""


@dataclass
class _Registry:
    holders: TicketHolders | None = None


_registry = _Registry()


def register_ticket_holders(holders: TicketHolders) -> None:
    _registry.holders = holders


def holds_any_ticket(user_id: uuid.UUID, event_id: uuid.UUID) -> bool:
    holders = _registry.holders
    return holders.holds_any(user_id, event_id) if holders else False


def going_annotation(user_id: uuid.UUID) -> Any:
    holders = _registry.holders
    return holders.going(user_id) if holders else Value(False, output_field=BooleanField())


def valid_ticket(user_id: uuid.UUID, event_id: uuid.UUID) -> Ticket | None:
    holders = _registry.holders
    return holders.valid_ticket(user_id, event_id) if holders else None
