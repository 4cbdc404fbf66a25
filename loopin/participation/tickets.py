"""Issuing and cancelling tickets, always together with the event's counters (seats and people at once)."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import Conflict
from loopin.core.ids import short_code
from loopin.events.models import CheckoutAnswer, Event, Invitation, JoinRequest, TicketTier
from loopin.events.signals import send_after_commit, ticket_cancelled, ticket_issued
from loopin.events.tiers import default_tier
from loopin.participation.error_codes import ParticipationErrorCode
from loopin.participation.rsvp import rsvp_deadline
from loopin.participation.seats import seats_release, seats_take
from loopin.tickets.models import Ticket, TicketStatus


def ticket_issue(
    *,
    event: Event,
    user: User,
    seats: int,
    source: str,
    join_request: JoinRequest | None = None,
    invitation: Invitation | None = None,
    actor: User | None = None,
    seats_held: bool = False,
    tier: TicketTier | None = None,
) -> Ticket:
    """Issue a valid ticket of `tier` (the default tier when None): take its seats in the tier and the event and
    count its holder as going, in conditional UPDATEs.

    `seats_held`: the seats were already taken by a hold (a paid order's); then only the person is counted.
    Call inside a transaction: a refusal (CapacityExceeded, ALREADY_GOING) must roll the counters back with it.
    """
    tier = tier or default_tier(event)
    if seats_held:
        Event.objects.filter(id=event.id).update(going_count=F("going_count") + 1)
    else:
        seats_take(event_id=event.id, seats=seats, people=1, tier_id=tier.id)
    for _ in range(5):
        try:
            with transaction.atomic():
                ticket = Ticket.objects.create(
                    event=event,
                    user=user,
                    seats=seats,
                    tier=tier,
                    source=source,
                    code=short_code(8),
                    join_request=join_request,
                    invitation=invitation,
                )
            break
        except IntegrityError as exc:
            if Ticket.objects.filter(event=event, user=user, status=TicketStatus.VALID).exists():
                raise Conflict(
                    "You already have a ticket for this event.", code=ParticipationErrorCode.ALREADY_GOING
                ) from exc
            continue  # a code collision: draw another
    else:  # pragma: no cover - 30^8 codes
        raise RuntimeError("could not draw a unique ticket code")
    # Answers given with the request or the order follow the person to the ticket.
    CheckoutAnswer.objects.filter(event=event, user=user).update(ticket=ticket)
    audit_record(
        action="ticket.issued",
        actor=actor or user,
        obj=ticket,
        subject=user,
        data={"event_id": str(event.id), "seats": seats, "source": source},
    )
    send_after_commit(ticket_issued, ticket_id=ticket.id)
    return ticket


def ticket_cancel(
    *, ticket: Ticket, reason: str, actor: User | None = None, status: str = TicketStatus.CANCELLED
) -> Ticket:
    """Void a valid ticket and give its seats and its person back. Call inside a transaction holding its lock."""
    if ticket.status != TicketStatus.VALID:
        return ticket
    updated = Ticket.objects.filter(id=ticket.id, status=TicketStatus.VALID).update(
        status=status, cancelled_at=timezone.now(), cancel_reason=reason[:64]
    )
    if not updated:
        return ticket
    seats_release(event_id=ticket.event_id, seats=ticket.seats, people=1, tier_id=ticket.tier_id)
    ticket.status = status
    audit_record(
        action=f"ticket.{status}",
        actor=actor,
        obj=ticket,
        subject=ticket.user if ticket.user_id else None,
        data={"reason": reason, "event_id": str(ticket.event_id)},
    )
    send_after_commit(ticket_cancelled, ticket_id=ticket.id, reason=reason)
    return ticket


def admit(
    *,
    event: Event,
    user: User,
    seats: int,
    source: str,
    join_request: JoinRequest | None = None,
    invitation: Invitation | None = None,
    actor: User | None = None,
    tier: TicketTier | None = None,
) -> Ticket | None:
    """Someone is let in (a host accepts their request, they say "going" to an invitation).

    An accepted request: the guest may confirm ("Going!") until the event's RSVP deadline (`confirm_by`); on a
    free event their seats are held until then (a paid event holds them from the order on). An invitation
    answered "going": a free event gives the ticket at once; a paid one lets them buy.
    This is the one place where "let in" becomes seats.
    """
    if join_request is not None and invitation is None:
        held = not event.is_paid
        if join_request.tier_id is None:  # a request made before tiers (or by hand): the default tier's
            join_request.tier_id = default_tier(event).id
            JoinRequest.objects.filter(id=join_request.id).update(tier_id=join_request.tier_id)
        if held:
            seats_take(event_id=event.id, seats=seats, tier_id=join_request.tier_id)
        join_request.seats_held = held
        join_request.confirm_by = rsvp_deadline(event=event, policy=event.rsvp_expiry_policy)
        JoinRequest.objects.filter(id=join_request.id).update(seats_held=held, confirm_by=join_request.confirm_by)
        return None
    if event.is_paid:
        return None
    return ticket_issue(
        event=event,
        user=user,
        seats=seats,
        source=source,
        join_request=join_request,
        invitation=invitation,
        actor=actor,
        tier=tier,
    )


def request_hold_take_over(*, join_request: JoinRequest | None, seats: int) -> bool:
    """Confirming an accepted request: the seats held since acceptance become the ticket's (exactly once).

    Returns whether a hold was taken over; a different seat count takes or gives back the difference.
    Then `ticket_issue(..., seats_held=True)` counts only the person.
    """
    if join_request is None or not JoinRequest.objects.filter(id=join_request.id, seats_held=True).update(
        seats_held=False
    ):
        return False
    tier_id = join_request.tier_id
    if seats > join_request.seats_requested:
        seats_take(event_id=join_request.event_id, seats=seats - join_request.seats_requested, tier_id=tier_id)
    elif seats < join_request.seats_requested:
        seats_release(event_id=join_request.event_id, seats=join_request.seats_requested - seats, tier_id=tier_id)
    return True


def request_hold_release(*, join_request: JoinRequest) -> None:
    """An accepted request that goes away (withdrawn, expired, event cancelled) gives its held seats back once."""
    if JoinRequest.objects.filter(id=join_request.id, seats_held=True).update(seats_held=False):
        seats_release(event_id=join_request.event_id, seats=join_request.seats_requested, tier_id=join_request.tier_id)
    join_request.seats_held = False


def request_holds_expire_due(*, event_id: uuid.UUID | None = None, limit: int = 500) -> int:
    """Accepted requests not confirmed by their RSVP deadline give their held seats back."""
    due = JoinRequest.objects.filter(seats_held=True, confirm_by__lte=timezone.now())
    if event_id is not None:
        due = due.filter(event_id=event_id)
    rows = list(due.only("id", "event_id", "seats_requested", "tier_id")[:limit])
    for req in rows:
        request_hold_release(join_request=req)
    return len(rows)
