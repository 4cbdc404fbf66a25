"""The events domain's part in account deletion and data export (see loopin.core.hooks): hosting with guests,
requests, invitations and tickets. Registered by ParticipationConfig.ready under the events names (moved from
loopin.events, which no longer imports tickets or participation)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone

from loopin.events.models import Event, EventStatus, Invitation, InvitationStatus, JoinRequest, RequestStatus
from loopin.participation.tickets import ticket_cancel
from loopin.tickets.models import Ticket, TicketSource, TicketStatus

if TYPE_CHECKING:
    from loopin.accounts.models import User


def hosts_upcoming_events_with_guests(user: User) -> str | None:
    count = (
        Event.objects.alive()
        .filter(
            host=user,
            end_at__gt=timezone.now(),
            going_count__gt=0,
            status__in=[EventStatus.PUBLISHED, EventStatus.POSTPONED],
        )
        .count()
    )
    if count:
        return f"You host {count} upcoming event(s) with guests: cancel them or hand them over first."
    return None


def erase_event_participation(user: User) -> None:
    """Withdraw pending requests and invitations and give up future free tickets (paid ones: payments)."""
    now = timezone.now()
    JoinRequest.objects.filter(user=user, status=RequestStatus.PENDING).update(
        status=RequestStatus.CANCELLED, decided_at=now
    )
    Invitation.objects.filter(invitee=user, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.NOT_GOING, responded_at=now
    )
    future = (
        Ticket.objects.select_for_update()
        .filter(user=user, status=TicketStatus.VALID, event__start_at__gt=now)
        .exclude(source=TicketSource.PURCHASE)
    )
    for ticket in future:
        ticket_cancel(ticket=ticket, reason="account_deleted", actor=user)


def export_event_data(user: User) -> dict[str, Any]:
    def rows(qs: Any, *fields: str) -> list[dict[str, Any]]:
        return [
            {k: (str(v) if v is not None and not isinstance(v, int | bool) else v) for k, v in r.items()}
            for r in qs.values(*fields)
        ]

    return {
        "hosted_events": rows(
            user.hosted_events.all(), "id", "title", "status", "start_at", "end_at", "city", "deleted_at"
        ),
        "join_requests": rows(
            JoinRequest.objects.filter(user=user),
            "id",
            "event_id",
            "status",
            "message",
            "seats_requested",
            "created_at",
            "decided_at",
        ),
        "invitations": rows(
            Invitation.objects.filter(invitee=user), "id", "event_id", "status", "created_at", "responded_at"
        ),
        "tickets": rows(
            Ticket.objects.filter(user=user),
            "id",
            "event_id",
            "code",
            "seats",
            "status",
            "source",
            "issued_at",
            "cancelled_at",
        ),
    }
