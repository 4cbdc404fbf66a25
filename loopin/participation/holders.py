"""Participation's answers to events about ticket holders (registered in ParticipationConfig.ready as events'
`TicketHolders`; see loopin.events.holders)."""

from __future__ import annotations

import uuid

from django.db.models import Exists, OuterRef

from loopin.tickets.models import Ticket, TicketStatus


class ParticipationTicketHolders:
    def holds_any(self, user_id: uuid.UUID, event_id: uuid.UUID) -> bool:
        return Ticket.objects.filter(event_id=event_id, user_id=user_id).exists()

    def going(self, user_id: uuid.UUID) -> Exists:
        return Exists(Ticket.objects.filter(event_id=OuterRef("id"), user_id=user_id, status=TicketStatus.VALID))

    def valid_ticket(self, user_id: uuid.UUID, event_id: uuid.UUID) -> Ticket | None:
        return Ticket.objects.filter(event_id=event_id, user_id=user_id, status=TicketStatus.VALID).first()
