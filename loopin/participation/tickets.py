"""Issuing and cancelling tickets, always together with the event's counters (seats and people at once)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import Conflict
from loopin.core.ids import short_code
from loopin.events.models import Event, Invitation, JoinRequest
from loopin.events.signals import send_after_commit, ticket_cancelled, ticket_issued
from loopin.participation.error_codes import ParticipationErrorCode
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
) -> Ticket:
    """Issue a valid ticket: take its seats and count its holder as going, in one conditional UPDATE.

    `seats_held`: the seats were already taken by a hold (a paid order's); then only the person is counted.
    Call inside a transaction: a refusal (CapacityExceeded, ALREADY_GOING) must roll the counters back with it.
    """
    if seats_held:
        Event.objects.filter(id=event.id).update(going_count=F("going_count") + 1)
    else:
        seats_take(event_id=event.id, seats=seats, people=1)
    for _ in range(5):
        try:
            with transaction.atomic():
                ticket = Ticket.objects.create(
                    event=event,
                    user=user,
                    seats=seats,
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
    seats_release(event_id=ticket.event_id, seats=ticket.seats, people=1)
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
) -> Ticket | None:
    """Someone is let in (a host accepts their request, they say "going" to an invitation).

    A free event: they are going at once, with a ticket. A paid event: nothing is taken; they may now buy.
    This is the one place where "let in" becomes seats (a seat held until an RSVP deadline would start here).
    """
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
    )
