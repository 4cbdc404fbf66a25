"""Taking and giving up seats at a free event."""

from __future__ import annotations

import uuid

from django.db import transaction

from loopin.accounts.models import User
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, PermissionDenied
from loopin.events.models import (
    Invitation,
    InvitationStatus,
    JoinMode,
    JoinRequest,
    RequestStatus,
)
from loopin.events.selectors.access import event_for
from loopin.events.services.rules import (
    _ensure_open_for_guests,
    _ensure_profile_complete,
    ensure_gender_allowed,
    ensure_seats_allowed,
)
from loopin.events.services.seats import seats_take
from loopin.participation.error_codes import ParticipationErrorCode
from loopin.tickets.error_codes import TicketErrorCode
from loopin.tickets.models import Ticket, TicketSource, TicketStatus
from loopin.tickets.services import ticket_cancel, ticket_issue


def attendance_confirm(*, user: User, event_id: uuid.UUID, seats: int = 1) -> Ticket:
    """Take seats at a free event: open events, or guests whose request or invitation was accepted."""
    _ensure_profile_complete(user)
    with transaction.atomic():
        event = event_for(user, event_id)
        if event.host_id == user.id:
            raise BusinessRuleError("You are the host of this event.", code=ParticipationErrorCode.OWN_EVENT)
        _ensure_open_for_guests(event)
        if event.is_paid:
            raise BusinessRuleError(
                "This is a paid event: buy a ticket instead.", code=ParticipationErrorCode.PAYMENT_REQUIRED
            )
        ensure_seats_allowed(event, seats)
        if Ticket.objects.filter(event=event, user=user, status=TicketStatus.VALID).exists():
            raise Conflict("You are already going.", code=ParticipationErrorCode.ALREADY_GOING)
        accepted = JoinRequest.objects.filter(event=event, user=user, status=RequestStatus.ACCEPTED).first()
        invited = Invitation.objects.filter(event=event, invitee=user, status=InvitationStatus.GOING).first()
        if event.join_mode == JoinMode.APPROVAL and accepted is None and invited is None:
            raise PermissionDenied(
                "The host must accept your request first.", code=ParticipationErrorCode.REQUEST_NOT_ACCEPTED
            )
        if event.join_mode == JoinMode.INVITE_ONLY and invited is None:
            raise PermissionDenied("This event is invite-only.", code=ParticipationErrorCode.INVITE_ONLY)
        if accepted is None and invited is None:
            ensure_gender_allowed(user, event)
        source = TicketSource.REQUEST if accepted else TicketSource.INVITATION if invited else TicketSource.OPEN
        seats_take(event_id=event.id, seats=seats)
        ticket = ticket_issue(
            event=event, user=user, seats=seats, source=source, join_request=accepted, invitation=invited
        )
    return ticket


def attendance_cancel(*, user: User, event_id: uuid.UUID) -> Ticket:
    """Give up a free ticket; its seats go back at once. Paid tickets are cancelled through payments."""
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update()
            .select_related("event")
            .filter(event_id=event_id, user=user, status=TicketStatus.VALID)
            .first()
        )
        if ticket is None:
            raise NotFound("You have no ticket for this event.", code=TicketErrorCode.TICKET_NOT_FOUND)
        if ticket.source == TicketSource.PURCHASE:
            raise BusinessRuleError(
                "Cancel a paid ticket through its order to get a refund.", code=ParticipationErrorCode.PAID_TICKET
            )
        if ticket.event.has_started:
            raise BusinessRuleError("The event has already started.", code=ParticipationErrorCode.EVENT_STARTED)
        return ticket_cancel(ticket=ticket, reason="attendee_cancelled", actor=user)
