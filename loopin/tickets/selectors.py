"""Reads at the door: keys, revocations, staff, attendee search, stats; the attendee's own QR code."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from loopin.accounts.models import User
from loopin.core.errors import Conflict, NotFound
from loopin.core.phone import mask_phone
from loopin.core.time import display_zone
from loopin.events.models import Event
from loopin.tickets import signing
from loopin.tickets.door.pictures import annotated_picture, first_picture, with_pictures
from loopin.tickets.door.settings import door_event, door_settings, opens_at
from loopin.tickets.error_codes import TicketErrorCode
from loopin.tickets.models import CheckinKey, DoorStaff, Scan, ScanDirection, ScanResult, Ticket, TicketStatus

SEARCH_LIMIT = 20


def key_out(key: CheckinKey) -> dict[str, Any]:
    return {
        "kid": key.kid,
        "algorithm": "Ed25519",
        "public_key": key.public_key,
        "is_active": key.is_active,
        "created_at": key.created_at,
        "retired_at": key.retired_at,
    }


def checkin_keys(*, user: User, event_id: uuid.UUID) -> list[dict[str, Any]]:
    """The event's public keys, the active one first (made on first use)."""
    event = door_event(user, event_id)
    signing.active_key(event.id)
    keys = CheckinKey.objects.filter(event=event).order_by("-is_active", "-created_at")
    return [key_out(k) for k in keys]


def checkin_revoked(*, user: User, event_id: uuid.UUID, since: datetime | None) -> dict[str, Any]:
    """Cancelled and refunded tickets (since a time) and retired keys, for offline scanners."""
    event = door_event(user, event_id)
    as_of = timezone.now()
    tickets = Ticket.objects.filter(event=event, status__in=[TicketStatus.CANCELLED, TicketStatus.REFUNDED])
    if since is not None:
        tickets = tickets.filter(cancelled_at__gte=since)
    return {
        "as_of": as_of,
        "tickets": [
            {"ticket_id": t.id, "code": t.code, "status": t.status, "revoked_at": t.cancelled_at}
            for t in tickets.order_by("cancelled_at", "id")
        ],
        "retired_kids": list(
            CheckinKey.objects.filter(event=event, retired_at__isnull=False).values_list("kid", flat=True)
        ),
    }


def door_settings_out(*, user: User, event_id: uuid.UUID) -> dict[str, Any]:
    event = door_event(user, event_id)
    settings = door_settings(event)
    return {
        "reentry_allowed": settings.reentry_allowed,
        "opens_minutes_before": settings.opens_minutes_before,
        "opens_at": opens_at(event),
        "opened_at": settings.opened_at,
    }


def staff_out(staff: DoorStaff, picture: str | None = None) -> dict[str, Any]:
    return {
        "user_id": staff.user_id,
        "name": staff.user.name or None,
        "phone_number": mask_phone(staff.user.phone_number),
        "picture": picture if hasattr(staff, "picture_url") else first_picture(staff.user_id),
        "added_at": staff.created_at,
    }


def door_staff_list(*, user: User, event_id: uuid.UUID) -> list[dict[str, Any]]:
    """The event's door staff (host and co-hosts)."""
    event = door_event(user, event_id, manage="door")
    staff = with_pictures(DoorStaff.objects.filter(event=event).select_related("user"), "user_id")
    return [staff_out(s, annotated_picture(s)) for s in staff]


def attendee_search(*, user: User, event_id: uuid.UUID, q: str) -> list[dict[str, Any]]:
    """Tickets whose holder's name contains `q`, or whose phone ends with `q` (digits), for manual check-in."""
    event = door_event(user, event_id)
    text = q.strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    tickets = with_pictures(Ticket.objects.filter(event=event).select_related("user"), "user_id")
    if digits and re.fullmatch(r"[\d\s+\-()]+", text):
        tickets = tickets.filter(user__phone_number__endswith=digits)
    else:
        tickets = tickets.filter(user__name__icontains=text)
    found = list(tickets.order_by("user__name", "id")[:SEARCH_LIMIT])
    return [
        {
            "ticket_id": t.id,
            "code": t.code,
            "status": t.status,
            "seats": t.seats,
            "inside": t.inside,
            "checked_in_at": t.checked_in_at,
            "attendee": {"id": t.user_id, "name": t.user.name or None, "picture": annotated_picture(t)},
            "phone_number": mask_phone(t.user.phone_number),
        }
        for t in found
    ]


def scan_log(
    *, user: User, event_id: uuid.UUID, result: str | None, offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """The event's scans, newest first, failed ones too (host and door staff)."""
    event = door_event(user, event_id)
    scans = Scan.objects.filter(event=event)
    if result:
        scans = scans.filter(result=result)
    total = scans.count()
    page = scans.select_related("ticket__user", "scanned_by").order_by("-scanned_at", "-received_at")[
        offset : offset + limit
    ]
    return [
        {
            "id": s.id,
            "scanned_at": s.scanned_at,
            "received_at": s.received_at,
            "direction": s.direction,
            "result": s.result,
            "reason": s.reason or None,
            "method": s.method,
            "device_id": s.device_id,
            "offline": s.offline,
            "duplicate": s.duplicate,
            "scanned_by": {"id": s.scanned_by_id, "name": s.scanned_by.name or None} if s.scanned_by else None,
            "ticket_code": s.ticket.code if s.ticket else None,
            "attendee_name": (s.ticket.user.name or None) if s.ticket else None,
        }
        for s in page
    ], total


def _quarter(at: datetime) -> datetime:
    local = at.astimezone(display_zone())
    return local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)


def checkin_stats(*, user: User, event_id: uuid.UUID) -> dict[str, Any]:
    """Expected, checked in, inside now, no-shows, and admissions/exits per quarter hour."""
    event = door_event(user, event_id)
    valid = Ticket.objects.filter(event=event, status=TicketStatus.VALID)
    counts = valid.aggregate(
        n_expected=Count("id"),
        n_expected_seats=Sum("seats"),
        n_checked_in=Count("id", filter=Q(checked_in_at__isnull=False)),
        n_checked_in_seats=Sum("seats", filter=Q(checked_in_at__isnull=False)),
        n_inside=Count("id", filter=Q(inside=True)),
        n_inside_seats=Sum("seats", filter=Q(inside=True)),
        n_not_scanned=Count("id", filter=Q(checked_in_at__isnull=True)),
    )
    ended = event.end_at <= timezone.now()
    buckets: dict[datetime, dict[str, int]] = {}
    scans = (
        Scan.objects.filter(event=event, result=ScanResult.OK)
        .exclude(reason="out_of_order")
        .values_list("scanned_at", "direction")
    )
    for at, direction in scans:
        bucket = buckets.setdefault(_quarter(at), {"entries": 0, "exits": 0})
        bucket["entries" if direction == ScanDirection.ENTRY else "exits"] += 1
    return {
        "expected": counts["n_expected"],
        "expected_seats": counts["n_expected_seats"] or 0,
        "checked_in": counts["n_checked_in"],
        "checked_in_seats": counts["n_checked_in_seats"] or 0,
        "inside_now": counts["n_inside"],
        "inside_now_seats": counts["n_inside_seats"] or 0,
        "no_shows": counts["n_not_scanned"] if ended else 0,
        "event_ended": ended,
        "failed_scans": Scan.objects.filter(event=event).exclude(result=ScanResult.OK).count(),
        "by_quarter_hour": [
            {"start": start, "end": start + timedelta(minutes=15), **values}
            for start, values in sorted(buckets.items())
        ],
    }


def my_ticket_token(*, user: User, ticket_id: uuid.UUID) -> dict[str, Any]:
    """The caller's ticket as a signed QR token (valid tickets only)."""
    ticket = (
        Ticket.objects.select_related("event", "event__door")
        .filter(id=ticket_id, user=user, event__in=Event.objects.alive())
        .first()
    )
    if ticket is None:
        raise NotFound("Ticket not found.", code=TicketErrorCode.TICKET_NOT_FOUND)
    if ticket.status != TicketStatus.VALID:
        raise Conflict(f"This ticket is {ticket.status}.", code=TicketErrorCode.TICKET_NOT_VALID)
    token = signing.ticket_token(ticket)
    claims, _, _ = signing.token_parse(token)
    return {
        "ticket_id": ticket.id,
        "code": ticket.code,
        "token": token,
        "kid": claims.kid,
        "valid_from": claims.valid_from,
        "valid_until": claims.valid_until,
    }
