"""What the guest carries, part one: an .ics file per ticket and a secret calendar feed of all their tickets.

Both are made on read from the event as it is now, so a moved event shows its new time at the next download or
feed refresh. One VEVENT per event: UID `<event id>@<host>` (stable, the same in the file and in the feed),
SEQUENCE = seconds from the event's creation to its last change (event edit, the ticket's issue or cancellation),
so every move raises it and a calendar replaces the old entry. STATUS is CANCELLED for a cancelled event or ticket,
TENTATIVE while the event is postponed, else CONFIRMED.

The feed's address carries a 256-bit token; only its SHA-256 is stored (`CalendarFeed`). Rotating makes a new
address and kills the old one; the request log writes the feed path with the token masked.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import NotFound
from loopin.core.lazy import lazy_module
from loopin.core.links import absolute_url, public_base_url
from loopin.events.models import Event, EventStatus
from loopin.events.share_paths import share_path
from loopin.tickets.error_codes import TicketErrorCode
from loopin.tickets.models import CalendarFeed, Ticket, TicketStatus

if TYPE_CHECKING:
    import icalendar
else:
    icalendar = lazy_module("icalendar")  # ~3 MiB; loaded at the first .ics or feed

PRODID = "-//Loopin//Tickets//EN"
FEED_PATH = "/api/v2/calendar/{token}.ics"
# Cancelled tickets (and tickets of cancelled events) stay in the feed as CANCELLED this long, so subscribed
# calendars see the cancellation before the entry goes; events that ended longer ago than FEED_PAST drop out.
CANCELLED_KEPT = timedelta(days=30)
FEED_PAST = timedelta(days=90)
FEED_MAX_EVENTS = 500
DESCRIPTION_MAX = 1500
# How often a subscribed calendar should come back (REFRESH-INTERVAL), and how long caches may keep an answer.
FEED_REFRESH = timedelta(hours=1)
FEED_CACHE_SECONDS = 900


@dataclass(frozen=True)
class CalendarFile:
    body: bytes
    etag: str  # a strong ETag, quoted
    filename: str


def _uid_domain() -> str:
    return urlsplit(public_base_url()).hostname or "loopin"


def _last_change(ticket: Ticket) -> datetime:
    moments = [ticket.event.updated_at, ticket.issued_at]
    if ticket.cancelled_at is not None:
        moments.append(ticket.cancelled_at)
    return max(moments)


def calendar_sequence(ticket: Ticket) -> int:
    """Seconds from the event's creation to its last change: rises with every move, edit or cancellation."""
    return max(int((_last_change(ticket) - ticket.event.created_at).total_seconds()), 0)


def calendar_status(ticket: Ticket) -> str:
    if ticket.status != TicketStatus.VALID or ticket.event.status == EventStatus.CANCELLED:
        return "CANCELLED"
    if ticket.event.status == EventStatus.POSTPONED:
        return "TENTATIVE"
    return "CONFIRMED"


def _location(event: Event) -> str:
    venue = event.venue
    if venue is None:
        return event.location_text or event.city
    parts: list[str] = []
    for part in (venue.name, venue.address, venue.city):
        if part and part not in parts:
            parts.append(part)
    return ", ".join(parts)


def _description(ticket: Ticket, url: str) -> str:
    event = ticket.event
    seats = f"{ticket.seats} seat" + ("s" if ticket.seats != 1 else "")
    line = f"Ticket {ticket.code} · {seats}" + (f" · {ticket.tier.name}" if ticket.tier is not None else "")
    parts = [line]
    if calendar_status(ticket) == "CANCELLED":
        parts.append("Cancelled." + (f" {event.status_reason}" if event.status_reason else ""))
    elif event.status == EventStatus.POSTPONED:
        parts.append("Postponed." + (f" {event.status_reason}" if event.status_reason else ""))
    if event.description:
        text = event.description.strip()
        parts.append(text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1] + "…")
    parts.append(url)
    return "\n\n".join(parts)


def _vevent(ticket: Ticket, domain: str) -> icalendar.Event:
    event = ticket.event
    url = absolute_url(share_path(event))
    changed = _last_change(ticket).astimezone(UTC)
    entry = icalendar.Event()
    entry.add("uid", f"{event.id}@{domain}")
    entry.add("dtstamp", changed)
    entry.add("last-modified", changed)
    entry.add("sequence", calendar_sequence(ticket))
    entry.add("dtstart", event.start_at.astimezone(UTC))
    entry.add("dtend", event.end_at.astimezone(UTC))
    entry.add("summary", event.title)
    location = _location(event)
    if location:
        entry.add("location", location)
    if event.latitude is not None and event.longitude is not None:
        entry.add("geo", (event.latitude, event.longitude))
    entry.add("url", url)
    entry.add("description", _description(ticket, url))
    entry.add("status", calendar_status(ticket))
    entry.add("transp", "TRANSPARENT" if calendar_status(ticket) == "CANCELLED" else "OPAQUE")
    return entry


def _calendar(tickets: list[Ticket], *, name: str | None = None) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name is not None:
        cal.add("x-wr-calname", name)
        cal.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", FEED_REFRESH)
    domain = _uid_domain()
    for ticket in tickets:
        cal.add_component(_vevent(ticket, domain))
    ical: bytes = cal.to_ical()
    return ical


def _file(body: bytes, filename: str) -> CalendarFile:
    return CalendarFile(body=body, etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"', filename=filename)


def my_ticket_calendar(*, user: User, ticket_id: uuid.UUID) -> CalendarFile:
    """The caller's ticket as an .ics file (cancelled ones too, as STATUS:CANCELLED)."""
    ticket = (
        Ticket.objects.select_related("event", "event__venue", "tier")
        .filter(id=ticket_id, user=user, event__in=Event.objects.alive())
        .first()
    )
    if ticket is None:
        raise NotFound("Ticket not found.", code=TicketErrorCode.TICKET_NOT_FOUND)
    return _file(_calendar([ticket]), f"{ticket.event.slug or 'event'}.ics")


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_tickets(*, user_id: uuid.UUID, now: datetime | None = None) -> list[Ticket]:
    """One ticket per event for the feed: the valid one, else the latest cancelled within CANCELLED_KEPT."""
    now = now or timezone.now()
    rows = (
        Ticket.objects.select_related("event", "event__venue", "tier")
        .filter(user_id=user_id, event__in=Event.objects.alive(), event__end_at__gte=now - FEED_PAST)
        .filter(Q(status=TicketStatus.VALID) | Q(cancelled_at__gte=now - CANCELLED_KEPT))
        .exclude(event__status=EventStatus.CANCELLED, event__cancelled_at__lt=now - CANCELLED_KEPT)
        .order_by("event__start_at", "event_id", "-issued_at")
    )
    chosen: dict[uuid.UUID, Ticket] = {}
    for ticket in rows:
        held = chosen.get(ticket.event_id)
        if held is None or (held.status != TicketStatus.VALID and ticket.status == TicketStatus.VALID):
            chosen[ticket.event_id] = ticket
        if len(chosen) > FEED_MAX_EVENTS:
            break
    return list(chosen.values())[:FEED_MAX_EVENTS]


def calendar_feed_read(*, token: str) -> CalendarFile:
    """The feed of the person whose feed token this is (404 CALENDAR_FEED_NOT_FOUND otherwise)."""
    feed = CalendarFeed.objects.filter(token_hash=feed_token_hash(token)).first()
    if feed is None:
        raise NotFound("No calendar feed has this address.", code=TicketErrorCode.CALENDAR_FEED_NOT_FOUND)
    return _file(_calendar(feed_tickets(user_id=feed.user_id), name="Loopin tickets"), "loopin.ics")


def calendar_feed_urls(token: str) -> dict[str, str]:
    https_url = absolute_url(FEED_PATH.format(token=token))
    return {"url": https_url, "webcal_url": "webcal://" + https_url.split("://", 1)[1]}


def calendar_feed_rotate(*, user: User) -> tuple[CalendarFeed, str]:
    """Make (or replace) the caller's feed address; the old one stops working at once. Returns the token."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        feed, created = CalendarFeed.objects.update_or_create(
            user=user, defaults={"token_hash": feed_token_hash(token), "created_at": timezone.now()}
        )
        audit_record(action="calendar_feed.created" if created else "calendar_feed.rotated", actor=user, obj=feed)
    return feed, token


def calendar_feed_delete(*, user: User) -> None:
    """Turn the caller's feed off (nothing to do when there is none)."""
    with transaction.atomic():
        deleted, _ = CalendarFeed.objects.filter(user=user).delete()
        if deleted:
            audit_record(action="calendar_feed.deleted", actor=user, subject=user)


def calendar_feed_state(*, user: User) -> dict[str, object]:
    feed = CalendarFeed.objects.filter(user=user).first()
    return {"active": feed is not None, "created_at": feed.created_at if feed else None}
