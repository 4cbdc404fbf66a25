"""Reads for the feed, event cards and event detail. A page costs a fixed number of queries.

The shapes are `schemas.EventCardOut.from_model` (a card, what the feed caches) and `schemas.EventDetailOut.from_view`
(of an `EventView`, what `event_detail` returns)."""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    FloatField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    UUIDField,
    Value,
)
from django.db.models.functions import ACos, Cos, Greatest, Least, Radians, Sin
from django.utils import timezone
from pydantic import TypeAdapter

from loopin.accounts.models import Interest, ProfilePicture, User
from loopin.core.compiled import CompiledQuery
from loopin.core.errors import NotFound
from loopin.core.pagination import render_each
from loopin.events import feed_cache
from loopin.events.error_codes import EventErrorCode
from loopin.events.holders import going_annotation
from loopin.events.models import (
    ACTIVE_REQUEST,
    CoHost,
    Event,
    EventImage,
    EventStatus,
    Invitation,
    InvitationStatus,
    JoinRequest,
    Visibility,
)
from loopin.events.schemas import EventCardOut, TierOut, my_status
from loopin.events.selectors.access import can_manage, event_for, event_role, hosted_by
from loopin.events.selectors.tiers import tiers_for
from loopin.events.tiers import AVAILABILITY_FIELDS, availability_annotations, card_availability

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class FeedFilters:
    interest_ids: list[int] | None = None
    city: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    price: str | None = None  # "free" | "paid"
    host_id: uuid.UUID | None = None
    organisation_id: uuid.UUID | None = None
    venue_id: uuid.UUID | None = None
    q: str | None = None
    lat: float | None = None
    lng: float | None = None
    radius_km: float | None = None
    sort: str = "start"  # "start" | "distance"
    upcoming: bool = True


def _first_picture(field: str, user_ref: str) -> Subquery:
    return Subquery(
        ProfilePicture.objects.filter(user_id=OuterRef(user_ref)).order_by("position", "created_at").values(field)[:1]
    )


def _first_cover(field: str) -> Subquery:
    return Subquery(
        EventImage.objects.filter(event_id=OuterRef("id")).order_by("position", "created_at").values(field)[:1]
    )


def _card_queryset(user: User | None) -> QuerySet[Event]:
    qs = (
        Event.objects.alive()
        .select_related("host", "venue", "organisation")
        .only(
            "id",
            "organisation_id",
            "organisation__id",
            "organisation__name",
            "organisation__handle",
            "organisation__is_verified",
            "organisation__logo_url",
            "organisation__deleted_at",
            "canonical_id",
            "slug",
            "title",
            "start_at",
            "end_at",
            "status",
            "join_mode",
            "visibility",
            "city",
            "country_code",
            "location_text",
            "latitude",
            "longitude",
            "capacity",
            "seats_taken",
            "going_count",
            "is_paid",
            "ticket_price",
            "currency",
            "host_id",
            "venue_id",
            "host__id",
            "host__name",
            "venue__id",
            "venue__name",
            "venue__city",
        )
        .annotate(
            **availability_annotations(),
            host_pic_url=_first_picture("url", "host_id"),
            host_pic_file=_first_picture("image", "host_id"),
            cover_url=_first_cover("url"),
            cover_file=_first_cover("image"),
        )
        .prefetch_related(
            Prefetch("interests", queryset=Interest.objects.only("id", "name", "slug").order_by("position", "id"))
        )
    )
    if user is not None:
        qs = qs.annotate(**_my_annotations(user.id))
    return qs


def _my_annotations(user_id: uuid.UUID) -> dict[str, Any]:
    """The caller's relation to each event (ticket, request, invitation), as subqueries."""
    return {
        "my_ticket": going_annotation(user_id),
        "my_request": Subquery(
            JoinRequest.objects.filter(event_id=OuterRef("id"), user_id=user_id, status__in=ACTIVE_REQUEST).values(
                "status"
            )[:1]
        ),
        "my_invitation": Subquery(
            Invitation.objects.filter(
                event_id=OuterRef("id"),
                invitee_id=user_id,
                status__in=[InvitationStatus.PENDING, InvitationStatus.GOING],
            ).values("status")[:1]
        ),
    }


def _distance_km(lat: float, lng: float) -> Any:
    """Great-circle distance by the spherical law of cosines, in SQL on both databases."""
    lat_r, lng_r = math.radians(lat), math.radians(lng)
    cosine = Value(math.cos(lat_r)) * Cos(Radians(F("latitude"))) * Cos(Radians(F("longitude")) - Value(lng_r)) + Value(
        math.sin(lat_r)
    ) * Sin(Radians(F("latitude")))
    return Value(EARTH_RADIUS_KM) * ACos(Least(Greatest(cosine, Value(-1.0)), Value(1.0)))


def _feed_queryset(filters: FeedFilters, now: datetime) -> tuple[QuerySet[Event], list[str]]:
    qs = _card_queryset(None).filter(status=EventStatus.PUBLISHED, visibility=Visibility.PUBLIC)
    if filters.upcoming:
        qs = qs.filter(start_at__gte=now)
    if filters.interest_ids:
        qs = qs.filter(
            Exists(
                Event.interests.through.objects.filter(event_id=OuterRef("id"), interest_id__in=filters.interest_ids)
            )
        )
    if filters.city:
        qs = qs.filter(city__iexact=filters.city)
    if filters.date_from:
        qs = qs.filter(start_at__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(start_at__lte=filters.date_to)
    if filters.price == "free":
        qs = qs.filter(is_paid=False)
    elif filters.price == "paid":
        qs = qs.filter(is_paid=True)
    if filters.host_id:
        qs = qs.filter(host_id=filters.host_id, organisation__isnull=True)  # an organisation's are its own
    if filters.organisation_id:
        qs = qs.filter(organisation_id=filters.organisation_id)
    if filters.venue_id:
        qs = qs.filter(venue_id=filters.venue_id)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(description__icontains=filters.q))
    order = ["start_at", "id"]
    if filters.lat is not None and filters.lng is not None:
        radius = filters.radius_km or 50.0
        # A bounding box first (index-friendly), then the exact distance.
        dlat = radius / 111.0
        dlng = radius / max(111.0 * math.cos(math.radians(filters.lat)), 0.01)
        qs = (
            qs.filter(
                latitude__isnull=False,
                longitude__isnull=False,
                latitude__range=(filters.lat - dlat, filters.lat + dlat),
                longitude__range=(filters.lng - dlng, filters.lng + dlng),
            )
            .annotate(distance_km=_distance_km(filters.lat, filters.lng))
            .filter(distance_km__lte=Value(radius, output_field=FloatField()))
        )
        if filters.sort == "distance":
            order = ["distance_km", "start_at", "id"]
    return qs, order


def event_feed(*, user: User | None, filters: FeedFilters, offset: int, limit: int) -> tuple[list[EventCardOut], int]:
    """`event_feed_json`'s page as cards (the server-rendered pages)."""
    cards, total = event_feed_json(user=user, filters=filters, offset=offset, limit=limit)
    return [EventCardOut.model_validate(card) for card in cards], total


_CARDS = TypeAdapter(list[EventCardOut])


def event_feed_json(*, user: User | None, filters: FeedFilters, offset: int, limit: int) -> tuple[list[Any], int]:
    """Published public events, upcoming by default, filtered and paginated: each card as `EventCardOut` dumps it
    for JSON (what the API answers as it is, without validating it again).

    The page's cards (their static fields) come from the feed cache (see `feed_cache`), stored as that JSON; seat
    counters and the caller's `my_status` are read live and put on them: one query on a cache hit, three on a
    miss (plus the caller's session).
    """
    now = timezone.now()
    key, page = feed_cache.get_page((filters, offset, limit))
    if page is None:
        qs, order = _feed_queryset(filters, now)
        stats = qs.aggregate(total=Count("id"), first_start=Min("start_at"))
        events = list(qs.order_by(*order)[offset : offset + limit])
        page = {
            "cards": _CARDS.dump_json(render_each(events, EventCardOut.from_model, what="event")),
            "total": stats["total"],
        }
        ttl = float(feed_cache.FEED_CACHE_SECONDS)
        if filters.upcoming and stats["first_start"] is not None:
            ttl = min(ttl, (stats["first_start"] - now).total_seconds())  # before the first one starts
        feed_cache.set_page(key, page, ttl)
        if user is None:
            return json.loads(page["cards"]), page["total"]
    return _with_live_fields(json.loads(page["cards"]), user), page["total"]


_LIVE_FIELDS = ("id", "capacity", "seats_taken", "going_count", *AVAILABILITY_FIELDS)
_MY_FIELDS = ("my_ticket", "my_request", "my_invitation")


def _live_rows(ids: list[uuid.UUID], now: datetime) -> QuerySet[Event, dict[str, Any]]:
    qs: QuerySet[Event, dict[str, Any]] = (
        Event.objects.filter(id__in=ids).annotate(**availability_annotations(now)).values(*_LIVE_FIELDS)
    )
    return qs


def _live_rows_mine(ids: list[uuid.UUID], now: datetime, user_id: uuid.UUID) -> QuerySet[Event, dict[str, Any]]:
    qs = Event.objects.filter(id__in=ids).annotate(**availability_annotations(now), **_my_annotations(user_id))
    rows: QuerySet[Event, dict[str, Any]] = qs.values(*_LIVE_FIELDS, *_MY_FIELDS)
    return rows


# The live fields' query, compiled once per page length (the feed's hottest statement: see docs/PERFORMANCE.md).
LIVE = CompiledQuery(_live_rows, slots={"ids": UUIDField(), "now": DateTimeField()})
LIVE_MINE = CompiledQuery(_live_rows_mine, slots={"ids": UUIDField(), "now": DateTimeField(), "user_id": UUIDField()})


def _with_live_fields(cards: list[dict[str, Any]], user: User | None) -> list[dict[str, Any]]:
    """Seat counters (and the caller's status) as they are now, put on cards (as JSON) that may come from the
    cache; a card whose event is gone since is left out."""
    if not cards:
        return []
    ids, now = [uuid.UUID(c["id"]) for c in cards], timezone.now()
    rows = LIVE.rows(ids=ids, now=now) if user is None else LIVE_MINE.rows(ids=ids, now=now, user_id=user.id)
    live = {str(row["id"]): row for row in rows}
    out = []
    for card in cards:
        row = live.get(card["id"])
        if row is None:  # removed since the page was cached
            continue
        capacity, taken = row["capacity"], row["seats_taken"]
        card["capacity"] = capacity
        card["seats_left"] = None if capacity == 0 else max(capacity - taken, 0)
        card["availability"] = card_availability(row)
        card["going_count"] = row["going_count"]
        card["my_status"] = my_status(row) if user is not None else None
        out.append(card)
    return out


# The columns the event screen shows beyond the card (the card queryset leaves them out).
DETAIL_FIELDS = (
    "description",
    "allow_plus_one",
    "allowed_genders",
    "status_reason",
    "rsvp_expiry_policy",
    "published_at",
    "created_at",
    "updated_at",
)


@dataclass
class EventView:
    """What the event screen shows (`schemas.EventDetailOut.from_view`): the event read by the card queryset
    with its detail columns loaded, its images, the tiers the reader may see and the reader's relation."""

    event: Event
    images: list[EventImage] = field(default_factory=list)
    tiers: list[TierOut] = field(default_factory=list)
    is_host: bool = False
    my_role: Literal["host", "co_host", "member"] | None = None


def event_detail(*, user: User | None, event_id: uuid.UUID) -> EventView:
    """Everything the event screen shows, for whoever may see it."""
    event_for(user, event_id)  # visibility: drafts to the host, private events to guests, 404 otherwise
    event = _card_queryset(user).get(id=event_id)
    full = Event.objects.only(*DETAIL_FIELDS).get(id=event_id)
    for name in DETAIL_FIELDS:  # the card queryset defers them (the feed never reads them)
        setattr(event, name, getattr(full, name))
    images = list(EventImage.objects.filter(event_id=event_id).order_by("position", "created_at"))
    manager = can_manage(user, event)
    return EventView(
        event=event,
        images=images,
        tiers=tiers_for(event, manager=manager),
        is_host=manager,
        my_role=event_role(user, event),
    )


def event_by_canonical(*, user: User | None, canonical_id: str) -> EventView:
    """The event screen by the event's short canonical id (the end of its share path)."""
    event_id = Event.objects.alive().filter(canonical_id=canonical_id.lower()).values_list("id", flat=True).first()
    if event_id is None:
        raise NotFound("Event not found.", code=EventErrorCode.EVENT_NOT_FOUND)
    return event_detail(user=user, event_id=event_id)


def my_hosted_events(
    *, user: User, status: str | None, offset: int, limit: int, role: str = "host"
) -> tuple[list[EventCardOut], int]:
    """The events the caller hosts, co-hosts (accepted) or either (`role`)."""
    co_hosted = Q(id__in=CoHost.objects.filter(user_id=user.id, accepted_at__isnull=False).values("event_id"))
    hosted = hosted_by(user)  # an organisation's events for its members
    where = {"host": hosted, "co_host": co_hosted, "any": hosted | co_hosted}[role]
    qs = _card_queryset(user).filter(where)
    if status:
        qs = qs.filter(status=status)
    total = qs.count()
    page = qs.order_by("-start_at", "id")[offset : offset + limit]
    return render_each(page, EventCardOut.from_model, what="event"), total
