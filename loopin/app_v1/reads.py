"""Reads shaped as the app reads them (CLIENT.md tables). Who may see what is decided by the events,
tickets and payments domains (`event_for`, `ensure_can_manage`, their selectors); this module only
loads rows in a fixed number of queries and renames fields."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery

from loopin.accounts.models import ProfilePicture, User
from loopin.app_v1 import numbers
from loopin.core.errors import NotFound
from loopin.core.images import image_public_url
from loopin.core.links import absolute_url
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import (
    Event,
    EventImage,
    Invitation,
    InvitationStatus,
    JoinRequest,
)
from loopin.events.selectors.access import EventAction, ensure_can_manage, event_for
from loopin.events.share_paths import share_path
from loopin.participation.rsvp import confirmation_open
from loopin.payments.models import Order
from loopin.tickets import signing
from loopin.tickets.error_codes import TicketErrorCode
from loopin.tickets.models import Ticket, TicketStatus

# Our invitation states as the app names them (C18/C22): going = accepted, not going = declined.
INVITATION_STATUS = {InvitationStatus.GOING: "accepted", InvitationStatus.NOT_GOING: "declined", "revoked": "declined"}


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def money(value: Any) -> str:
    return f"{value:.2f}"


def _picture(user_ref: str, field: str) -> Subquery:
    return Subquery(
        ProfilePicture.objects.filter(user_id=OuterRef(user_ref)).order_by("position", "created_at").values(field)[:1]
    )


def with_picture(qs: QuerySet, user_ref: str) -> QuerySet:
    return qs.annotate(pic_url=_picture(user_ref, "url"), pic_file=_picture(user_ref, "image"))


def picture_of(row: Any) -> str | None:
    return image_public_url(row.pic_url or "", row.pic_file or "") or None


# ---------------------------------------------------------------- events (the Event object: event_reads.py)


def share_url(*, user: User, event_id: int) -> dict[str, Any]:
    """C10: the event's share link (the app rewrites our host to its invite host)."""

    path = share_path(event_for(user, numbers.event_uuid(event_id)))
    return {"canonical_url": absolute_url(path), "canonical_path": path}


def managed_event(user: User, event_id: int, action: EventAction) -> Event:
    event = event_for(user, numbers.event_uuid(event_id))
    ensure_can_manage(user, event, action)  # the same action as the designed API's read (co-hosts included)
    return event


# ---------------------------------------------------------------- requests


def request_out(req: JoinRequest, *, can_confirm: bool) -> dict[str, Any]:
    """C11's body: the caller's request."""
    return {
        "request_id": req.number,
        "event_id": req.event.number,
        "event_title": req.event.title,
        "status": req.status,
        "can_confirm": can_confirm,
        "seats_requested": req.seats_requested,
        "message": req.message,
        "host_message": req.host_message or None,
        "created_at": iso(req.created_at),
        "updated_at": iso(req.updated_at),
    }


def my_request(*, user: User, event_id: int) -> dict[str, Any]:
    """C11: the caller's latest request for an event they may see."""

    event = event_for(user, numbers.event_uuid(event_id))
    req = JoinRequest.objects.select_related("event").filter(event=event, user=user).order_by("-created_at").first()
    if req is None:
        raise NotFound("You have not asked to join this event.", code=EventErrorCode.REQUEST_NOT_FOUND)
    return {"success": True, **request_out(req, can_confirm=confirmable(user, event, req))}


def confirmable(user: User, event: Event, req: JoinRequest | None = None) -> bool:
    """The app's `can_confirm`: the events domain says whether the caller may still confirm."""
    return confirmation_open(user=user, event=event, request=req)


def event_requests(*, user: User, event_id: int, offset: int, limit: int) -> dict[str, Any]:
    """C13: the host's requests, every status, at the top level."""
    event = managed_event(user, event_id, "view_requests")
    qs = with_picture(JoinRequest.objects.filter(event=event).select_related("user"), "user_id")
    total = qs.count()
    rows = [
        {
            "id": r.number,
            "requester_id": r.user.number,
            "full_name": r.user.name or None,
            "profile_picture_url": picture_of(r),
            "status": r.status,
            "seats_requested": r.seats_requested,
            "message": r.message,
            "created_at": iso(r.created_at),
        }
        for r in qs.order_by("created_at", "number")[offset : offset + limit]
    ]
    return {"success": True, "requests": rows, "total": total, "offset": offset, "limit": limit}


def my_requests(*, user: User, offset: int, limit: int) -> dict[str, Any]:
    """`GET /api/events/my-requests` (never reached by the app): the caller's requests at the top level."""
    qs = JoinRequest.objects.filter(user=user, event__in=Event.objects.alive()).select_related("event")
    total = qs.count()
    rows = [request_out(r, can_confirm=False) for r in qs.order_by("-created_at")[offset : offset + limit]]
    return {"success": True, "requests": rows, "total": total, "offset": offset, "limit": limit}


# ---------------------------------------------------------------- invitations


def invitation_status(inv: Invitation) -> str:
    if inv.status == InvitationStatus.PENDING and inv.is_expired:
        return "expired"
    return INVITATION_STATUS.get(inv.status, inv.status)


def my_invitations(*, user: User, offset: int, limit: int) -> list[dict[str, Any]]:
    """C18: a bare list."""
    qs = (
        Invitation.objects.filter(invitee=user, event__in=Event.objects.alive())
        .select_related("event", "event__host")
        .order_by("-created_at")
    )
    return [
        {
            "invite_id": i.number,
            "event_id": i.event.number,
            "status": invitation_status(i),
            "event_title": i.event.title,
            "host_name": i.event.host.name or None,
            "message": i.message or None,
            "event_start_time": iso(i.event.start_at),
            "expires_at": iso(i.expires_at),
            "expiry_policy": i.expiry_policy or None,
            "created_at": iso(i.created_at),
        }
        for i in qs[offset : offset + limit]
    ]


def event_invitations(*, user: User, event_id: int, offset: int, limit: int) -> dict[str, Any]:
    """C22: the host's invitations, at the top level."""
    event = managed_event(user, event_id, "view_invitations")
    qs = with_picture(Invitation.objects.filter(event=event).select_related("invitee"), "invitee_id")
    total = qs.count()
    rows = [
        {
            "invite_id": i.number,
            "user_id": i.invitee.number,
            "full_name": i.invitee.name or None,
            "profile_picture_url": picture_of(i),
            "status": invitation_status(i),
            "message": i.message or None,
            "expires_at": iso(i.expires_at),
            "expiry_policy": i.expiry_policy or None,
        }
        for i in qs.order_by("-created_at", "-number")[offset : offset + limit]
    ]
    return {"success": True, "invitations": rows, "total": total, "offset": offset, "limit": limit}


def invite_candidates(*, user: User, event_id: int, search: str | None, offset: int, limit: int) -> dict[str, Any]:
    """C20: people the host may invite (complete, active profiles), not-yet-invited first."""
    event = managed_event(user, event_id, "invite")
    invited = Invitation.objects.filter(
        event=event, invitee_id=OuterRef("id"), status__in=[InvitationStatus.PENDING, InvitationStatus.GOING]
    )
    going = Ticket.objects.filter(event=event, user_id=OuterRef("id"), status=TicketStatus.VALID)
    qs = (
        User.objects.alive()
        .filter(is_active=True, is_suspended=False, profile_completed_at__isnull=False)
        .exclude(id=event.host_id)
    )
    if search and search.strip():
        qs = qs.filter(name__icontains=search.strip())
    qs = with_picture(qs.annotate(already=Exists(invited) | Exists(going)), "id")
    total = qs.count()
    rows = [
        {
            "id": u.number,
            "full_name": u.name or None,
            "username": None,  # a phone number is private; the app shows the name
            "profile_picture_url": picture_of(u),
            "already_invited": bool(u.already),
        }
        for u in qs.order_by("already", "name", "number")[offset : offset + limit]
    ]
    return {"success": True, "data": rows, "total": total, "offset": offset, "limit": limit}


# ---------------------------------------------------------------- tickets and attendees


def _secret(ticket: Ticket, key: Any = None) -> str:

    return signing.ticket_token(ticket, key=key)


def _keys(tickets: list[Ticket]) -> dict[Any, Any]:
    """The signing keys of the tickets' events in one query, for a list's secrets."""

    return signing.active_keys({t.event_id for t in tickets if t.status == TicketStatus.VALID})


def ticket_out(ticket: Ticket, key: Any = None) -> dict[str, Any]:
    """C15/C16 (top level) and C17 items."""
    event = ticket.event
    venue = event.venue if event.venue_id else None
    cover = next(iter(event.images.all()), None)
    return {
        "ticket_id": ticket.number,
        "ticket_secret": _secret(ticket, key) if ticket.status == TicketStatus.VALID else "",
        "code": ticket.code,
        "status": ticket.status,
        "seats": ticket.seats,
        "event_id": event.number,
        "event_title": event.title,
        "event_start_time": iso(event.start_at),
        "event_end_time": iso(event.end_at),
        "venue_name": venue.name if venue else (event.location_text or None),
        "cover_image_url": cover.public_url if cover else None,
    }


def _tickets() -> QuerySet[Ticket]:
    return Ticket.objects.select_related("event", "event__venue", "event__door").prefetch_related(
        Prefetch("event__images", queryset=EventImage.objects.order_by("position", "created_at"))
    )


def ticket_by_id(*, ticket_id: uuid.UUID) -> dict[str, Any]:
    return {"success": True, **ticket_out(_tickets().get(id=ticket_id))}


def my_ticket(*, user: User, event_id: int) -> dict[str, Any]:
    """C16: the caller's valid ticket for the event."""

    event = event_for(user, numbers.event_uuid(event_id))
    ticket = _tickets().filter(event=event, user=user, status=TicketStatus.VALID).first()
    if ticket is None:
        raise NotFound("You have no ticket for this event.", code=TicketErrorCode.TICKET_NOT_FOUND)
    return {"success": True, **ticket_out(ticket)}


def my_tickets(*, user: User, offset: int, limit: int) -> list[dict[str, Any]]:
    """C17: the caller's valid tickets, a bare list."""
    qs = _tickets().filter(user=user, status=TicketStatus.VALID, event__in=Event.objects.alive())
    tickets = list(qs.order_by("-issued_at")[offset : offset + limit])
    keys = _keys(tickets)
    return [ticket_out(t, keys.get(t.event_id)) for t in tickets]


def attendees(*, user: User, event_id: int, offset: int, limit: int) -> dict[str, Any]:
    """C23: the host's guest list at the top level, with each guest's ticket secret for C24."""
    event = managed_event(user, event_id, "view_attendees")
    qs = with_picture(
        Ticket.objects.filter(event=event, status=TicketStatus.VALID).select_related("user", "event", "event__door"),
        "user_id",
    )
    total = qs.count()
    tickets = list(qs.order_by("issued_at", "number")[offset : offset + limit])
    keys = _keys(tickets)
    rows = [
        {
            "user_id": t.user.number,
            "full_name": t.user.name or None,
            "username": None,
            "profile_picture_url": picture_of(t),
            "ticket_secret": _secret(t, keys[t.event_id]),
            "checked_in": t.checked_in_at is not None,
            "is_checked_in": t.checked_in_at is not None,
            "status": t.status,
            "seats": t.seats,
        }
        for t in tickets
    ]
    return {"success": True, "attendees": rows, "total": total, "offset": offset, "limit": limit}


def check_ins(*, user: User, event_id: int, offset: int, limit: int) -> dict[str, Any]:
    """C25: who has been admitted, at the top level."""
    event = managed_event(user, event_id, "view_attendees")
    qs = Ticket.objects.filter(event=event, checked_in_at__isnull=False).select_related("user")
    total = qs.count()
    rows = [
        {"user_id": t.user.number, "full_name": t.user.name or None, "checked_in_at": iso(t.checked_in_at)}
        for t in qs.order_by("checked_in_at")[offset : offset + limit]
    ]
    return {"success": True, "checked_in": rows, "total": total, "offset": offset, "limit": limit}


# ---------------------------------------------------------------- orders


def order_out(order: Order) -> dict[str, Any]:
    """C27/C28's `data.order`."""
    return {
        "id": order.number,
        "order_id": str(order.id),
        "event_id": order.event.number,
        "amount": money(order.total),
        "ticket_price": money(order.base_price),
        "platform_fee": money(order.fee_amount),
        "seats_count": order.seats,
        "currency": order.currency,
        "status": order.status,
        "created_at": iso(order.created_at),
        "paid_at": iso(order.paid_at),
    }
