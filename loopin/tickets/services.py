"""Writes for tickets: issuing and cancelling, always together with the event's seat counters."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from loopin.audit.services import audit_record
from loopin.core.errors import Conflict
from loopin.core.ids import short_code
from loopin.events.models import Event
from loopin.events.signals import send_after_commit, ticket_cancelled, ticket_issued
from loopin.participation.error_codes import ParticipationErrorCode
from loopin.tickets.models import Ticket, TicketSource, TicketStatus


def ticket_issue(
    *,
    event: Event,
    user: object,
    seats: int,
    source: str,
    join_request: object = None,
    invitation: object = None,
    actor: object = None,
) -> Ticket:
    """Issue a valid ticket. Seats must already be taken (by `seats_take` or a consumed hold)."""
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
    Event.objects.filter(id=event.id).update(going_count=F("going_count") + 1)
    audit_record(
        action="ticket.issued",
        actor=actor or user,
        obj=ticket,
        subject=user,
        data={"event_id": str(event.id), "seats": seats, "source": source},
    )
    send_after_commit(ticket_issued, ticket_id=ticket.id)
    return ticket


def ticket_cancel(*, ticket: Ticket, reason: str, actor: object = None, status: str = TicketStatus.CANCELLED) -> Ticket:
    """Void a valid ticket and give its seats back. Call inside a transaction holding the ticket's lock."""
    if ticket.status != TicketStatus.VALID:
        return ticket
    updated = Ticket.objects.filter(id=ticket.id, status=TicketStatus.VALID).update(
        status=status, cancelled_at=timezone.now(), cancel_reason=reason[:64]
    )
    if not updated:
        return ticket
    from loopin.events.services.seats import seats_release

    seats_release(event_id=ticket.event_id, seats=ticket.seats, people=1)
    ticket.status = status
    audit_record(
        action=f"ticket.{status}",
        actor=actor,
        obj=ticket,
        subject=ticket.user_id and ticket.user,
        data={"reason": reason, "event_id": str(ticket.event_id)},
    )
    send_after_commit(ticket_cancelled, ticket_id=ticket.id, reason=reason)
    return ticket


__all__ = ["TicketSource", "ticket_cancel", "ticket_issue"]
