"""Join requests to approval events: ask, accept, decline (one or in bulk), withdraw."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, LoopinError, NotFound
from loopin.events import signals
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import (
    Event,
    EventStatus,
    JoinRequest,
    RequestStatus,
)
from loopin.events.questions import AnswerGiven, answers_check
from loopin.events.selectors.access import event_for
from loopin.events.services.access import ensure_can_manage_and_audit
from loopin.events.services.questions import answers_save
from loopin.events.signals import send_after_commit
from loopin.participation.error_codes import ParticipationErrorCode
from loopin.participation.rules import Way, ensure_may_take_part, ensure_profile_complete, tier_pick
from loopin.participation.tickets import admit, request_hold_release, ticket_cancel
from loopin.tickets.models import Ticket, TicketSource, TicketStatus


def join_request_create(
    *,
    user: User,
    event_id: uuid.UUID,
    message: str = "",
    seats: int = 1,
    tier_id: uuid.UUID | None = None,
    unlock_code: str | None = None,
    answers: list[AnswerGiven] | None = None,
) -> JoinRequest:
    """Ask to join an approval event (or for a tier that requires approval), in a tier (default: the default),
    answering the event's checkout questions (None: a caller that cannot ask them, see docs/TICKETING.md)."""
    ensure_profile_complete(user)
    with transaction.atomic():
        event = event_for(user, event_id)
        tier = tier_pick(event, tier_id, unlock_code=unlock_code)
        admission = ensure_may_take_part(user=user, event=event, seats=seats, way=Way.ASK, tier=tier)
        checked = answers_check(event=event, user=user, tier=admission.tier, answers=answers)
        try:
            with transaction.atomic():
                req = JoinRequest.objects.create(
                    event=event, user=user, message=message, seats_requested=seats, tier=admission.tier
                )
        except IntegrityError:
            raise Conflict("You already asked to join this event.", code=EventErrorCode.REQUEST_EXISTS) from None
        answers_save(event=event, user=user, checked=checked, join_request=req)
        audit_record(action="join_request.created", actor=user, obj=req, data={"event_id": str(event.id)})
        send_after_commit(signals.join_request_created, request_id=req.id)
    return req


def _locked_request(host: User, event_id: uuid.UUID, request_id: uuid.UUID) -> JoinRequest:
    req = (
        JoinRequest.objects.select_for_update()
        .select_related("event", "user")
        .filter(id=request_id, event_id=event_id, event__in=Event.objects.alive())
        .first()
    )
    if req is None:
        raise NotFound("Request not found.", code=EventErrorCode.REQUEST_NOT_FOUND)
    ensure_can_manage_and_audit(host, req.event, "decide")
    return req


def _record_decision(req: JoinRequest, *, host: User, status: str, note: str) -> None:
    req.status = status
    req.host_message = note
    req.decided_at = timezone.now()
    req.decided_by = host
    req.save(update_fields=["status", "host_message", "decided_at", "decided_by", "updated_at"])
    audit_record(action=f"join_request.{status}", actor=host, obj=req, subject=req.user)
    send_after_commit(signals.join_request_decided, request_id=req.id, decision=status)


def _pending_request(host: User, event_id: uuid.UUID, request_id: uuid.UUID) -> JoinRequest:
    req = _locked_request(host, event_id, request_id)
    if req.status != RequestStatus.PENDING:
        raise BusinessRuleError(f"This request is already {req.status}.", code=EventErrorCode.REQUEST_NOT_PENDING)
    return req


def join_request_accept(*, host: User, event_id: uuid.UUID, request_id: uuid.UUID, note: str = "") -> JoinRequest:
    """Accept a request: on a free event the guest is going with a ticket; on a paid one they may buy."""
    with transaction.atomic():
        req = _pending_request(host, event_id, request_id)
        event = req.event
        if event.status != EventStatus.PUBLISHED:
            raise BusinessRuleError(f"This event is {event.status}.", code=ParticipationErrorCode.EVENT_NOT_PUBLISHED)
        admit(
            event=event,
            user=req.user,
            seats=req.seats_requested,
            source=TicketSource.REQUEST,
            join_request=req,
            actor=host,
        )
        _record_decision(req, host=host, status=RequestStatus.ACCEPTED, note=note)
    return req


def join_request_decline(*, host: User, event_id: uuid.UUID, request_id: uuid.UUID, note: str = "") -> JoinRequest:
    """Decline a pending request, with an optional note to the requester."""
    with transaction.atomic():
        req = _pending_request(host, event_id, request_id)
        _record_decision(req, host=host, status=RequestStatus.DECLINED, note=note)
    return req


@dataclass
class BulkResult:
    request_id: uuid.UUID
    ok: bool
    status: str | None = None
    error_code: str | None = None
    error: str | None = None


def join_request_bulk(
    *, host: User, event_id: uuid.UUID, request_ids: list[uuid.UUID], action: str, note: str = ""
) -> list[BulkResult]:
    """Accept or decline up to 100 requests; each succeeds or fails on its own (one transaction each)."""

    event = event_for(host, event_id)
    ensure_can_manage_and_audit(host, event, "decide")
    decide = join_request_accept if action == "accept" else join_request_decline
    results = []
    for request_id in request_ids:
        try:
            req = decide(host=host, event_id=event_id, request_id=request_id, note=note)
            results.append(BulkResult(request_id=request_id, ok=True, status=req.status))
        except LoopinError as exc:
            results.append(BulkResult(request_id=request_id, ok=False, error_code=exc.code, error=exc.message))
    return results


def join_request_cancel(*, user: User, event_id: uuid.UUID) -> JoinRequest:
    """The requester withdraws; an accepted request gives back its held seats (or its free ticket's)."""
    with transaction.atomic():
        req = (
            JoinRequest.objects.select_for_update()
            .filter(event_id=event_id, user=user, status__in=[RequestStatus.PENDING, RequestStatus.ACCEPTED])
            .first()
        )
        if req is None:
            raise NotFound("You have no open request for this event.", code=EventErrorCode.REQUEST_NOT_FOUND)
        for ticket in Ticket.objects.select_for_update().filter(join_request=req, status=TicketStatus.VALID):
            if ticket.source == TicketSource.PURCHASE:
                raise BusinessRuleError(
                    "Cancel your paid ticket instead (refunds follow the event's policy).",
                    code=ParticipationErrorCode.PAID_TICKET,
                )
            ticket_cancel(ticket=ticket, reason="request_cancelled", actor=user)
        request_hold_release(join_request=req)
        req.status = RequestStatus.CANCELLED
        req.save(update_fields=["status", "updated_at"])
        audit_record(action="join_request.cancelled", actor=user, obj=req)
    return req
