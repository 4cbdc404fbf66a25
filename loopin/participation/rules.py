"""May this person take part in this event? Every rule, in one place, for every way in.

The ways in (`Way`): confirming attendance at a free event, buying a ticket for a paid one, asking to join an
approval event, and answering an invitation (or an invite link) with "going". Services call
`ensure_may_take_part` inside their transaction, before they take seats or issue a ticket.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone

from loopin.accounts.error_codes import AccountErrorCode
from loopin.accounts.models import User
from loopin.core.errors import BusinessRuleError, Conflict, PermissionDenied
from loopin.events.models import (
    AllowedGender,
    Event,
    EventStatus,
    Invitation,
    InvitationStatus,
    JoinMode,
    JoinRequest,
    RequestStatus,
)
from loopin.participation.error_codes import ParticipationErrorCode
from loopin.people.selectors import is_blocked_between
from loopin.tickets.models import Ticket, TicketSource, TicketStatus


class Way(StrEnum):
    CONFIRM = "confirm"  # attendance at a free event (open, or let in by a request or an invitation)
    BUY = "buy"  # an order for a paid event
    ASK = "ask"  # a join request to an approval event
    INVITED = "invited"  # an invitation or an invite link answered "going"


@dataclass(frozen=True)
class Admission:
    """What lets the person in: their accepted request and/or the invitation they said "going" to."""

    join_request: JoinRequest | None = None
    invitation: Invitation | None = None
    request_expired: bool = False  # accepted, but its RSVP deadline passed unconfirmed

    @property
    def source(self) -> str:
        """The ticket source of a free ticket taken on this admission."""
        if self.join_request is not None:
            return TicketSource.REQUEST
        return TicketSource.INVITATION if self.invitation is not None else TicketSource.OPEN


_GENDER_MAP = {"male": AllowedGender.MALE, "female": AllowedGender.FEMALE, "other": AllowedGender.NON_BINARY}


def ensure_profile_complete(user: User) -> None:
    if not user.profile_complete:
        raise PermissionDenied("Complete your profile first.", code=AccountErrorCode.PROFILE_INCOMPLETE)


def ensure_not_host(user: User, event: Event) -> None:
    if event.host_id == user.id:
        raise BusinessRuleError("You are the host of this event.", code=ParticipationErrorCode.OWN_EVENT)


def ensure_gender_allowed(user: User, event: Event) -> None:
    allowed = event.allowed_genders or [AllowedGender.ALL]
    if AllowedGender.ALL in allowed:
        return
    if _GENDER_MAP.get(user.gender) not in allowed:
        raise BusinessRuleError(
            "This event is limited to other genders.",
            code=ParticipationErrorCode.GENDER_RESTRICTED,
            details={"allowed_genders": allowed},
        )


def ensure_open_for_guests(event: Event, *, selling: bool = False) -> None:
    if event.status != EventStatus.PUBLISHED:
        doing = "selling tickets" if selling else "taking guests"
        raise BusinessRuleError(
            f"This event is {event.status}; it is not {doing}.", code=ParticipationErrorCode.EVENT_NOT_PUBLISHED
        )
    if event.has_started:
        raise BusinessRuleError("This event has already started.", code=ParticipationErrorCode.EVENT_STARTED)


def ensure_seats_allowed(event: Event, seats: int) -> None:
    if not 1 <= seats <= event.max_seats_per_guest:
        raise BusinessRuleError(
            "This event allows one seat per guest."
            if event.max_seats_per_guest == 1
            else f"You can take 1 to {event.max_seats_per_guest} seats at this event.",
            code=ParticipationErrorCode.TOO_MANY_SEATS,
            details={"max_seats": event.max_seats_per_guest},
        )


def ensure_not_blocked_with_host(user: User, event: Event) -> None:
    """A host and a person blocked either way never meet at the host's events."""
    if is_blocked_between(user, event.host_id):
        raise PermissionDenied("You can't join this event.", code=ParticipationErrorCode.JOIN_NOT_ALLOWED)


def ensure_not_going(user: User, event: Event) -> None:
    if Ticket.objects.filter(event=event, user=user, status=TicketStatus.VALID).exists():
        raise Conflict("You are already going.", code=ParticipationErrorCode.ALREADY_GOING)


def admission_of(user: User, event: Event) -> Admission:
    """An accepted request lets the guest in only until its RSVP deadline (`confirm_by`)."""
    request = JoinRequest.objects.filter(event=event, user=user, status=RequestStatus.ACCEPTED).first()
    expired = request is not None and request.confirm_by is not None and request.confirm_by <= timezone.now()
    return Admission(
        join_request=None if expired else request,
        invitation=Invitation.objects.filter(event=event, invitee=user, status=InvitationStatus.GOING).first(),
        request_expired=expired,
    )


def ensure_may_take_part(*, user: User, event: Event, seats: int, way: Way) -> Admission:
    """Refuse (with the first rule broken, in this order) or say what lets the person in.

    host's own event · payment mismatch · not published or started · blocked with the host · join mode (asking) ·
    seat count · already going · admission (approval needs an accepted request or an invitation; invite-only an
    invitation) · gender (waived for someone the host let in).
    """
    if way == Way.BUY and not event.is_paid:
        raise BusinessRuleError(
            "This event is free: confirm your attendance instead.", code=ParticipationErrorCode.NOT_A_PAID_EVENT
        )
    ensure_not_host(user, event)
    ensure_open_for_guests(event, selling=way == Way.BUY)
    ensure_not_blocked_with_host(user, event)
    if way == Way.CONFIRM and event.is_paid:
        raise BusinessRuleError(
            "This is a paid event: buy a ticket instead.", code=ParticipationErrorCode.PAYMENT_REQUIRED
        )
    if way == Way.ASK:
        if event.join_mode == JoinMode.INVITE_ONLY:
            raise BusinessRuleError("This event is invite-only.", code=ParticipationErrorCode.INVITE_ONLY)
        if event.join_mode == JoinMode.OPEN:
            raise BusinessRuleError(
                "This event is open: confirm your attendance instead.", code=ParticipationErrorCode.REQUEST_NOT_NEEDED
            )
    ensure_seats_allowed(event, seats)
    ensure_not_going(user, event)
    if way in (Way.ASK, Way.INVITED):
        ensure_gender_allowed(user, event)
        return Admission()
    admission = admission_of(user, event)
    let_in = admission.join_request is not None or admission.invitation is not None
    if not let_in and admission.request_expired:
        raise BusinessRuleError(
            "The time to confirm this event has passed.", code=ParticipationErrorCode.CONFIRMATION_EXPIRED
        )
    if event.join_mode == JoinMode.APPROVAL and not let_in:
        raise PermissionDenied(
            "The host must accept your request first.", code=ParticipationErrorCode.REQUEST_NOT_ACCEPTED
        )
    if event.join_mode == JoinMode.INVITE_ONLY and admission.invitation is None:
        raise PermissionDenied("This event is invite-only.", code=ParticipationErrorCode.INVITE_ONLY)
    if not let_in:
        ensure_gender_allowed(user, event)
    return admission
