"""A cancelled event's guests: free tickets are cancelled, open requests and pending invitations end, and seats
held for accepted guests who had not confirmed go back (paid orders are refunded by payments).

Runs inside the cancelling transaction (`events.signals.event_cancelling`), with the event row locked.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from loopin.accounts.models import User
from loopin.events import signals
from loopin.events.models import Invitation, InvitationStatus, JoinRequest, RequestStatus
from loopin.participation.tickets import request_hold_release, ticket_cancel
from loopin.tickets.models import Ticket, TicketSource, TicketStatus


def guests_cancel(*, event_id: uuid.UUID, actor: User) -> None:
    """A cancelled event voids free tickets and open requests/invitations; paid orders refund in payments."""
    for ticket in Ticket.objects.select_for_update().filter(event_id=event_id, status=TicketStatus.VALID):
        if ticket.source != TicketSource.PURCHASE:
            ticket_cancel(ticket=ticket, reason="event_cancelled", actor=actor)
    JoinRequest.objects.filter(event_id=event_id, status=RequestStatus.PENDING).update(
        status=RequestStatus.CANCELLED, decided_at=timezone.now()
    )
    for req in JoinRequest.objects.filter(event_id=event_id, seats_held=True):
        request_hold_release(join_request=req)  # seats held for accepted guests who had not confirmed
    Invitation.objects.filter(event_id=event_id, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.REVOKED
    )


def _on_event_cancelling(sender: Any, event_id: uuid.UUID, actor: User, **kwargs: Any) -> None:
    guests_cancel(event_id=event_id, actor=actor)


def connect_signals() -> None:
    signals.event_cancelling.connect(_on_event_cancelling, dispatch_uid="participation.guests_cancel")
