"""Direct invitations from the host, and answering them."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, ValidationFailed
from loopin.events import signals
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import (
    Event,
    EventStatus,
    Invitation,
    InvitationStatus,
)
from loopin.events.selectors.access import event_for, host_power_holders
from loopin.events.services.access import ensure_can_manage_and_audit
from loopin.events.signals import send_after_commit
from loopin.participation.error_codes import ParticipationErrorCode
from loopin.participation.rsvp import rsvp_deadline
from loopin.participation.rules import Way, ensure_may_take_part, ensure_profile_complete
from loopin.participation.tickets import admit, ticket_cancel
from loopin.people.selectors import exclude_blocked
from loopin.tickets.models import Ticket, TicketSource, TicketStatus


def invitations_create(
    *,
    host: User,
    event_id: uuid.UUID,
    user_ids: list[uuid.UUID],
    message: str = "",
    expires_at: datetime | None = None,
    expiry_policy: str = "",
) -> list[Invitation]:
    """Invite people directly (1-50 at once). People already invited or going are skipped.

    `expiry_policy` (an RSVP policy) sets the answer deadline from now when no `expires_at` is given."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed.one("expires_at", "IN_THE_PAST", "The expiry must be in the future.")
    with transaction.atomic():
        event = event_for(host, event_id, lock=True)
        ensure_can_manage_and_audit(host, event, "invite")
        if event.status not in (EventStatus.DRAFT, EventStatus.PUBLISHED, EventStatus.POSTPONED):
            raise BusinessRuleError(f"This event is {event.status}.", code=EventErrorCode.EVENT_CLOSED)
        # Someone blocked either way with the host is answered like an unknown person.
        invitable = exclude_blocked(User.objects.filter(id__in=user_ids, is_active=True), host)
        users = {u.id: u for u in invitable}
        missing = [str(i) for i in user_ids if i not in users]
        if missing:
            raise ValidationFailed.one("user_ids", "UNKNOWN_USER", f"Unknown users: {', '.join(missing)}.")
        if host_power_holders(event, "decide") & users.keys():
            raise ValidationFailed.one("user_ids", "OWN_EVENT", "You cannot invite yourself.")
        if expiry_policy and expires_at is None:
            expires_at = rsvp_deadline(event=event, policy=expiry_policy)
        busy = set(
            Invitation.objects.filter(
                event=event, invitee_id__in=users, status__in=[InvitationStatus.PENDING, InvitationStatus.GOING]
            ).values_list("invitee_id", flat=True)
        )
        busy |= set(
            Ticket.objects.filter(event=event, user_id__in=users, status=TicketStatus.VALID).values_list(
                "user_id", flat=True
            )
        )
        created = Invitation.objects.bulk_create(
            [
                Invitation(
                    event=event,
                    invitee=users[uid],
                    invited_by=host,
                    message=message,
                    expires_at=expires_at,
                    expiry_policy=expiry_policy,
                )
                for uid in dict.fromkeys(user_ids)
                if uid not in busy
            ]
        )
        for invitation in created:
            audit_record(action="invitation.created", actor=host, obj=invitation, subject=invitation.invitee)
            send_after_commit(signals.invitation_created, invitation_id=invitation.id)
    return created


def invitation_go(*, user: User, event: Event, invitation: Invitation, seats: int) -> Ticket | None:
    """An invitation answered 'going': a ticket on a free event; the right to buy on a paid one."""
    ensure_profile_complete(user)  # as every other way in: confirming, asking, buying, a link, the waitlist
    ensure_may_take_part(user=user, event=event, seats=seats, way=Way.INVITED)
    ticket = admit(event=event, user=user, seats=seats, source=TicketSource.INVITATION, invitation=invitation)
    invitation.status = InvitationStatus.GOING
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return ticket


def invitation_respond(*, user: User, invitation_id: uuid.UUID, response: str, seats: int = 1) -> Invitation:
    """Answer an invitation: going (works like an accepted request) or not going."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("event")
            .filter(id=invitation_id, invitee=user, event__in=Event.objects.alive())
            .first()
        )
        if invitation is None:
            raise NotFound("Invitation not found.", code=EventErrorCode.INVITATION_NOT_FOUND)
        if invitation.status == InvitationStatus.REVOKED:
            raise BusinessRuleError("This invitation was withdrawn.", code=EventErrorCode.INVITATION_REVOKED)
        if invitation.is_expired and invitation.status == InvitationStatus.PENDING:
            raise BusinessRuleError("This invitation has expired.", code=EventErrorCode.INVITATION_EXPIRED)
        if response == "going":
            if invitation.status == InvitationStatus.GOING:
                raise Conflict("You already said you are going.", code=ParticipationErrorCode.ALREADY_GOING)
            invitation_go(user=user, event=invitation.event, invitation=invitation, seats=seats)
        else:
            for ticket in Ticket.objects.select_for_update().filter(invitation=invitation, status=TicketStatus.VALID):
                if ticket.source == TicketSource.PURCHASE:
                    raise BusinessRuleError("Cancel your paid ticket instead.", code=ParticipationErrorCode.PAID_TICKET)
                ticket_cancel(ticket=ticket, reason="invitation_declined", actor=user)
            invitation.status = InvitationStatus.NOT_GOING
            invitation.responded_at = timezone.now()
            invitation.save(update_fields=["status", "responded_at"])
        audit_record(action=f"invitation.{response}", actor=user, obj=invitation)
    return invitation
