"""Reads for the public pages: what anyone with a link may see of an event, a host or an invite link.

Nothing here reveals a private event's details or a person's phone number, age or gender.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from loopin.accounts.models import User
from loopin.core.errors import NotFound
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import Event, EventImage, EventStatus, InviteLink, Visibility
from loopin.events.schemas import EventCardOut, EventDetailOut
from loopin.events.selectors import FeedFilters, event_detail, event_feed, share_path
from loopin.organisations.models import Organisation
from loopin.organisations.selectors import organisation_owner, organisation_public

SITEMAP_LIMIT = 50_000  # the sitemap protocol's maximum per file
HOST_PAGE_EVENTS = 24

# What a page shows about an event, by its state.
OPEN = "open"  # published, not yet ended: details and the way in
POSTPONED = "postponed"
CANCELLED = "cancelled"
PAST = "past"
PRIVATE = "private"  # no details at all
DELETED = "deleted"  # 410


@dataclass(frozen=True)
class EventPage:
    state: str
    canonical_id: str
    share_path: str
    title: str
    event: dict[str, Any] | None = None  # the API's event detail; None for private and deleted events
    status_reason: str | None = None
    happening_now: bool = False
    updated_at: datetime | None = None


@dataclass(frozen=True)
class HostPage:
    host: dict[str, Any]
    events: list[EventCardOut] = field(default_factory=list)
    total: int = 0


@dataclass(frozen=True)
class InvitePage:
    state: str  # "valid" | "expired" | "used_up" | "invalid"
    token: str
    event_page: EventPage | None = None  # the event as the invitee will see it (private events included)


def _page_for(event: Event, *, reveal_private: bool = False) -> EventPage:
    path = share_path(event)
    if event.deleted_at is not None:
        return EventPage(DELETED, event.canonical_id, path, event.title)
    if event.visibility == Visibility.PRIVATE and not reveal_private:
        return EventPage(PRIVATE, event.canonical_id, path, "A private event")
    detail = _detail(event)
    now = timezone.now()
    if event.status == EventStatus.CANCELLED:
        state = CANCELLED
    elif event.status == EventStatus.COMPLETED or event.end_at <= now:
        state = PAST
    elif event.status == EventStatus.POSTPONED:
        state = POSTPONED
    else:
        state = OPEN
    return EventPage(
        state,
        event.canonical_id,
        path,
        event.title,
        event=detail,
        status_reason=event.status_reason or None,
        happening_now=state == OPEN and event.start_at <= now < event.end_at,
        updated_at=event.updated_at,
    )


_TIMES = ("start_at", "end_at", "published_at", "created_at", "updated_at")


def _detail(event: Event) -> dict[str, Any]:
    """The API's event detail as an anonymous reader sees it.

    A private event is read as its host may (only an invite link's landing asks for one), then stripped of
    everything that is about the reader.
    """
    reader = None
    if event.visibility == Visibility.PRIVATE:  # an organisation's event: its owner (the creator may have left)
        reader = event.host if event.organisation_id is None else organisation_owner(event.organisation_id)
    shown = EventDetailOut.from_view(event_detail(user=reader, event_id=event.id))
    # The page reads the API's fields as Python data; its times stay datetimes (printed in the display zone).
    detail = {**shown.model_dump(), **{name: getattr(shown, name) for name in _TIMES}}
    venue = event.venue
    detail.update(
        {
            "is_host": False,
            "my_status": None,
            "my_role": None,
            "latitude": event.latitude,
            "longitude": event.longitude,
            "country_code": event.country_code,
            "venue_type": venue.venue_type if venue else None,
        }
    )
    if detail["venue"] is not None and venue is not None:
        detail["venue"] = {**detail["venue"], "address": venue.address or None}
    return detail


def event_page(*, canonical_id: str) -> EventPage:
    """The public page of an event by its stable id; drafts and unknown ids are 404."""
    event = (
        Event.objects.select_related("host", "venue")
        .filter(canonical_id=canonical_id.lower()[:12])
        .exclude(status=EventStatus.DRAFT)
        .first()
    )
    if event is None:
        raise NotFound("Event not found.", code=EventErrorCode.EVENT_NOT_FOUND)
    return _page_for(event)


def host_page(*, host_id: uuid.UUID) -> HostPage:
    """A host's public face: name, picture, bio, interests and their upcoming public events (their own: an
    organisation's events are on the organisation's page, `organisation_page`)."""
    host = (
        User.objects.alive()
        .filter(id=host_id, is_active=True, is_suspended=False)
        .filter(
            Q(is_host=True) | Q(hosted_events__status=EventStatus.PUBLISHED, hosted_events__organisation__isnull=True)
        )
        .prefetch_related("pictures", "interests")
        .distinct()
        .first()
    )
    if host is None:
        raise NotFound("Host not found.", code=EventErrorCode.HOST_NOT_FOUND)
    pictures = [p.public_url for p in host.pictures.all()]
    profile = {
        "id": host.id,
        "name": host.name or "A Loopin host",
        "bio": host.bio or None,
        "picture": pictures[0] if pictures else None,
        "interests": [i.name for i in host.interests.all()],
        "path": host_path(host.id),
    }
    events, total = event_feed(user=None, filters=FeedFilters(host_id=host.id), offset=0, limit=HOST_PAGE_EVENTS)
    return HostPage(host=profile, events=events, total=total)


def organisation_page(*, organisation_id: uuid.UUID) -> HostPage:
    """An organisation's public face: name, logo, description, city, whether Loopin verified it, and its upcoming
    public events (never its GSTIN, legal name or members)."""
    organisation = organisation_public(organisation_id=organisation_id)
    profile = {
        "id": organisation.id,
        "name": organisation.name,
        "handle": organisation.handle,
        "description": organisation.description or None,
        "city": organisation.city or None,
        "logo": organisation.logo_url or None,
        "is_verified": organisation.is_verified,
        "path": organisation_path(organisation.id),
    }
    filters = FeedFilters(organisation_id=organisation.id)
    events, total = event_feed(user=None, filters=filters, offset=0, limit=HOST_PAGE_EVENTS)
    return HostPage(host=profile, events=events, total=total)


def organisation_path(organisation_id: uuid.UUID) -> str:
    return f"/organisations/{organisation_id}"


def invite_page(*, token: str) -> InvitePage:
    """An invite link's landing: the event it opens (even a private one) and whether the link still works."""
    link = InviteLink.objects.select_related("event", "event__host", "event__venue").filter(token=token[:64]).first()
    if link is None or link.event.status == EventStatus.DRAFT:
        return InvitePage("invalid", token)
    page = _page_for(link.event, reveal_private=True)
    if not link.is_active or page.state == DELETED:
        state = "invalid"
    elif link.expires_at is not None and link.expires_at <= timezone.now():
        state = "expired"
    elif link.max_uses is not None and link.uses >= link.max_uses:
        state = "used_up"
    else:
        state = "valid"
    return InvitePage(state, token, page if state != "invalid" else None)


def host_path(host_id: uuid.UUID) -> str:
    return f"/hosts/{host_id}"


def sitemap_entries() -> list[dict[str, Any]]:
    """Public upcoming events, their hosts' pages (an organisation's event: the organisation's) and every
    organisation's page (verified or not, never a deleted one), newest change first; three queries."""
    events = list(
        Event.objects.alive()
        .filter(
            status=EventStatus.PUBLISHED,
            visibility=Visibility.PUBLIC,
            end_at__gt=timezone.now(),
        )
        .only(
            "id", "canonical_id", "slug", "city", "venue_id", "country_code", "host_id", "organisation_id", "updated_at"
        )
        .order_by("-updated_at", "id")[:SITEMAP_LIMIT]
    )
    entries = [{"path": share_path(e), "lastmod": e.updated_at} for e in events]
    hosts: dict[uuid.UUID, datetime] = {}
    for e in events:
        if e.organisation_id is None:
            hosts[e.host_id] = max(hosts.get(e.host_id, e.updated_at), e.updated_at)
    entries += [{"path": host_path(h), "lastmod": at} for h, at in hosts.items()]
    organisations = Organisation.objects.alive().order_by("-updated_at", "id").values_list("id", "updated_at")
    entries += [{"path": organisation_path(o), "lastmod": at} for o, at in organisations[:SITEMAP_LIMIT]]
    return entries[:SITEMAP_LIMIT]


def preview_cover_file(*, page: EventPage) -> str | None:
    """The stored file of the event's first cover, when it is ours (an external URL is never fetched)."""
    if page.event is None:
        return None
    return (
        EventImage.objects.filter(event__canonical_id=page.canonical_id)
        .exclude(image="")
        .order_by("position", "created_at")
        .values_list("image", flat=True)
        .first()
    )
