"""Taking and giving up seats at a free event."""

from __future__ import annotations

import uuid

from django.db import transaction

from loopin.accounts.models import User
from loopin.core.errors import BusinessRuleError, NotFound
from loopin.events.questions import AnswerGiven, answers_check
from loopin.events.selectors.access import event_for
from loopin.events.services.questions import answers_save
from loopin.participation.error_codes import ParticipationErrorCode
from loopin.participation.rules import Way, ensure_may_take_part, ensure_profile_complete, tier_pick
from loopin.participation.tickets import (
    request_hold_release,
    request_hold_take_over,
    request_holds_expire_due,
    ticket_cancel,
    ticket_issue,
)
from loopin.participation.waitlist import waitlist_hold_take_over, waitlist_offer_of, waitlist_offers_expire_due
from loopin.tickets.error_codes import TicketErrorCode
from loopin.tickets.models import Ticket, TicketSource, TicketStatus


def attendance_confirm(
    *,
    user: User,
    event_id: uuid.UUID,
    seats: int = 1,
    tier_id: uuid.UUID | None = None,
    unlock_code: str | None = None,
    answers: list[AnswerGiven] | None = None,
) -> Ticket:
    """Take seats at a free event: open events, invitees who said yes, or guests whose accepted request is within
    its RSVP deadline (the seats held since acceptance become the ticket's), in a tier (default: see the rules),
    answering the checkout questions (None: a caller that cannot ask them)."""
    ensure_profile_complete(user)
    with transaction.atomic():
        event = event_for(user, event_id)
        request_holds_expire_due(event_id=event.id)
        waitlist_offers_expire_due(event_id=event.id)
        offer = waitlist_offer_of(user=user, event=event)  # seats the waitlist holds for this person
        tier = tier_pick(event, tier_id, unlock_code=unlock_code) or (offer.tier if offer else None)
        admission = ensure_may_take_part(user=user, event=event, seats=seats, way=Way.CONFIRM, tier=tier)
        assert admission.tier is not None  # the rules always choose one
        checked = answers_check(event=event, user=user, tier=admission.tier, answers=answers)
        request = admission.join_request
        if request is not None and request.seats_held and request.tier_id != admission.tier.id:
            request_hold_release(join_request=request)  # a hold in another tier goes back; seats are taken anew
        held = request_hold_take_over(join_request=request, seats=seats)
        if not held and offer is not None and offer.tier_id == admission.tier.id:
            held = waitlist_hold_take_over(entry=offer, seats=seats)
        ticket = ticket_issue(
            event=event,
            user=user,
            seats=seats,
            source=admission.source,
            join_request=admission.join_request,
            invitation=admission.invitation,
            seats_held=held,
            tier=admission.tier,
        )
        answers_save(event=event, user=user, checked=checked, join_request=request, ticket=ticket)
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
