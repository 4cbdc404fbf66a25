"""May this person take part in this event? Every rule, in one place, for every way in.

The ways in (`Way`): confirming attendance at a free event, buying a ticket for a paid one, asking to join an
approval event, and answering an invitation (or an invite link) with "going". Services call
`ensure_may_take_part` inside their transaction, before they take seats or issue a ticket.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery, UUIDField
from django.utils import timezone

from loopin.accounts.error_codes import AccountErrorCode
from loopin.accounts.models import User
from loopin.core.compiled import CompiledInstances, CompiledQuery, first
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, PermissionDenied
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import (
    AllowedGender,
    Event,
    EventStatus,
    Invitation,
    InvitationStatus,
    JoinMode,
    JoinRequest,
    RequestStatus,
    TicketTier,
    TierVisibility,
)
from loopin.events.selectors.access import holds_host_power
from loopin.events.selectors.blocks import blocked_with_host
from loopin.events.tiers import TierState, default_tier, tier_state, tiers_unlocked
from loopin.participation.error_codes import ParticipationErrorCode
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
    tier: TicketTier | None = None  # the ticket tier the seats are taken in

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
    """Who lets guests in is not a guest: a personal event's host; on an organisation's event, a member whose role
    decides requests now (a door-role member, or a former member, may come as a guest)."""
    if holds_host_power(user, event, "decide"):
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


def ensure_seats_allowed(event: Event, seats: int, tier: TicketTier | None = None) -> None:
    if tier is not None and (tier.min_per_order > 1 or tier.max_per_order):
        low, high = tier.min_per_order, tier.max_seats(event)
        if not low <= seats <= high:
            raise BusinessRuleError(
                f"The {tier.name} tier sells {low} to {high} seats per order.",
                code=ParticipationErrorCode.TIER_QUANTITY,
                details={"min": low, "max": high, "tier_id": str(tier.id)},
            )
        return
    if not 1 <= seats <= event.max_seats_per_guest:
        raise BusinessRuleError(
            "This event allows one seat per guest."
            if event.max_seats_per_guest == 1
            else f"You can take 1 to {event.max_seats_per_guest} seats at this event.",
            code=ParticipationErrorCode.TOO_MANY_SEATS,
            details={"max_seats": event.max_seats_per_guest},
        )


def ensure_not_blocked_with_host(user: User, event: Event) -> None:
    """A host and a person blocked either way never meet at the host's events (an organisation's: every member
    holding `decide`, `events.selectors.blocks`)."""
    if blocked_with_host(user, event):
        raise PermissionDenied("You can't join this event.", code=ParticipationErrorCode.JOIN_NOT_ALLOWED)


def _valid_tickets(event_id: Any, user_id: uuid.UUID) -> QuerySet[Ticket]:
    """Going: a valid ticket of the event."""
    return Ticket.objects.filter(event_id=event_id, user_id=user_id, status=TicketStatus.VALID)


def _accepted_requests(event_id: Any, user_id: uuid.UUID) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(event_id=event_id, user_id=user_id, status=RequestStatus.ACCEPTED)


def _going_invitations(event_id: Any, user_id: uuid.UUID) -> QuerySet[Invitation]:
    return Invitation.objects.filter(event_id=event_id, invitee_id=user_id, status=InvitationStatus.GOING)


def _already_going() -> Conflict:
    return Conflict("You are already going.", code=ParticipationErrorCode.ALREADY_GOING)


def ensure_not_going(user: User, event: Event) -> None:
    if _valid_tickets(event.id, user.id).exists():
        raise _already_going()


def _standing_rows(event_id: uuid.UUID, user_id: uuid.UUID) -> QuerySet[Any, Any]:
    """The person's accepted request and going invitation (their ids, newest first as `.first()` takes them)
    and whether they hold a valid ticket, in one statement (issue 22: a hold asked three)."""
    rows: QuerySet[Any, Any] = (
        Event.objects.filter(id=event_id)
        .annotate(
            request_id=Subquery(_accepted_requests(OuterRef("id"), user_id).values("id")[:1]),
            invitation_id=Subquery(_going_invitations(OuterRef("id"), user_id).values("id")[:1]),
            going=Exists(_valid_tickets(OuterRef("id"), user_id)),
        )
        .values("request_id", "invitation_id", "going")
    )
    return rows


STANDING = CompiledQuery(_standing_rows, slots={"event_id": UUIDField(), "user_id": UUIDField()})


@dataclass(frozen=True)
class _Standing:
    request: JoinRequest | None
    invitation: Invitation | None
    going: bool


def _standing(user: User, event: Event) -> _Standing:
    """`admission_of`'s request and invitation and `ensure_not_going`'s ticket, read at once; the request or
    invitation row is loaded only when there is one."""
    rows = STANDING.rows(event_id=event.id, user_id=user.id)
    row: dict[str, Any] = rows[0] if rows else {"request_id": None, "invitation_id": None, "going": False}
    return _Standing(
        request=JoinRequest.objects.get(id=row["request_id"]) if row["request_id"] else None,
        invitation=Invitation.objects.get(id=row["invitation_id"]) if row["invitation_id"] else None,
        going=bool(row["going"]),
    )


# Read on every hold that names a tier (issue 22): compiled once, not built and compiled by the ORM on each call.
_TIER_OF = CompiledInstances(
    TicketTier,
    lambda tier_id, event_id: first(TicketTier.objects.filter(id=tier_id, event_id=event_id)),
    related=(),
    slots={"tier_id": UUIDField(), "event_id": UUIDField()},
)


def tier_pick(event: Event, tier_id: uuid.UUID | None, *, unlock_code: str | None = None) -> TicketTier | None:
    """The tier asked for (404 TIER_NOT_FOUND when it is not the event's, or hidden and `unlock_code` does not
    reveal it); None when none was asked for (the rules then choose: see `ensure_may_take_part`)."""
    if tier_id is None:
        return None
    tier: TicketTier | None = _TIER_OF.instance(tier_id=tier_id, event_id=event.id)
    hidden = tier is not None and tier.visibility == TierVisibility.HIDDEN
    if tier is None or (hidden and tier.id not in tiers_unlocked(event.id, unlock_code)):
        raise NotFound("This event has no such ticket tier.", code=EventErrorCode.TIER_NOT_FOUND)
    return tier


def _tier_when_unasked(event: Event, admission: Admission) -> TicketTier:
    """No tier asked for (the app's dialect knows one price): the accepted request's tier, else the default
    tier while it sells, else the first public tier that does (in the host's order), else the default tier."""
    if admission.join_request is not None and admission.join_request.tier_id is not None:
        return TicketTier.objects.get(id=admission.join_request.tier_id)
    default = default_tier(event)
    if default.visibility == TierVisibility.PUBLIC and tier_state(default, event) == TierState.ON_SALE:
        return default
    for tier in TicketTier.objects.filter(event_id=event.id, visibility=TierVisibility.PUBLIC):
        if tier_state(tier, event) == TierState.ON_SALE:
            return tier
    return default


def ensure_tier_on_sale(event: Event, tier: TicketTier) -> None:
    state = tier_state(tier, event, unlocked=True)
    if state == TierState.NOT_YET_ON_SALE:
        raise BusinessRuleError(
            f"Sales of {tier.name} have not started.",
            code=ParticipationErrorCode.TIER_NOT_ON_SALE,
            details={"sales_start_at": tier.sales_start_at.isoformat() if tier.sales_start_at else None},
        )
    if state == TierState.SALES_ENDED:
        raise BusinessRuleError(f"Sales of {tier.name} have ended.", code=ParticipationErrorCode.TIER_SALES_ENDED)


def admission_of(user: User, event: Event) -> Admission:
    """An accepted request lets the guest in only until its RSVP deadline (`confirm_by`)."""
    return _admission(_accepted_requests(event.id, user.id).first(), _going_invitations(event.id, user.id).first())


def _admission(request: JoinRequest | None, invitation: Invitation | None) -> Admission:
    expired = request is not None and request.confirm_by is not None and request.confirm_by <= timezone.now()
    return Admission(join_request=None if expired else request, invitation=invitation, request_expired=expired)


def ensure_may_take_part(
    *, user: User, event: Event, seats: int, way: Way, tier: TicketTier | None = None
) -> Admission:
    """Refuse (with the first rule broken, in this order) or say what lets the person in, and in which tier.

    host's own event · payment mismatch · not published or started · blocked with the host · join mode (asking) ·
    the tier's sales window · seat count · already going · admission (approval, or a tier that requires it, needs
    an accepted request or an invitation; invite-only an invitation) · gender (waived for someone the host let in).
    `tier` None: the accepted request's tier, or the default (or first public) tier on sale.
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
        if event.join_mode == JoinMode.OPEN and not (tier is not None and tier.requires_approval):
            raise BusinessRuleError(
                "This event is open: confirm your attendance instead.", code=ParticipationErrorCode.REQUEST_NOT_NEEDED
            )
    if way in (Way.ASK, Way.INVITED):
        tier = tier or default_tier(event)
        if way == Way.ASK:  # the host's own invitation is not held to the sales window
            ensure_tier_on_sale(event, tier)
        ensure_seats_allowed(event, seats, tier)
        ensure_not_going(user, event)
        ensure_gender_allowed(user, event)
        return Admission(tier=tier)
    standing = _standing(user, event)
    admission = _admission(standing.request, standing.invitation)
    tier = tier or _tier_when_unasked(event, admission)
    ensure_tier_on_sale(event, tier)
    ensure_seats_allowed(event, seats, tier)
    if standing.going:
        raise _already_going()
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
    if tier.requires_approval and admission.invitation is None:
        request = admission.join_request
        if request is None or (request.tier_id is not None and request.tier_id != tier.id):
            raise PermissionDenied(
                f"{tier.name} needs the host's approval: ask to join first.",
                code=ParticipationErrorCode.TIER_APPROVAL_REQUIRED,
                details={"tier_id": str(tier.id)},
            )
    if not let_in:
        ensure_gender_allowed(user, event)
    return replace(admission, tier=tier)
