"""The app's Event object (C6 items, C7 body) read as rows, not model instances (issue 22).

C6 (`GET /api/events`) is the app's hottest read. Its page is one statement compiled once (`core.compiled`): the
events the caller may see in C6 (`home_filter`, the one place of that rule) with the host, the venue, the host's
picture, the request count, the payout state, the caller's powers on each event (`hosted_by`, the same filter the
events domain lists an organisation's events with), each event's cover images and interests (a JSON list each in
its row, `core.expressions.JSONList`, in the order the app has always had them) and the total (`COUNT(*) OVER ()`):
one round trip a page. The ORM builds the statement once; `rows_orm` runs the same builder through the ORM for the
tests that prove both give the same rows.
"""

from __future__ import annotations

import functools
import uuid
from datetime import datetime
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    UUIDField,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, JSONArray
from django.utils import timezone

from loopin.accounts.models import ProfilePicture, User
from loopin.app_v1 import numbers
from loopin.app_v1.reads import iso, money
from loopin.core.compiled import CompiledQuery
from loopin.core.expressions import JSONList
from loopin.core.images import image_public_url
from loopin.events.models import (
    Event,
    EventImage,
    EventStatus,
    Invitation,
    JoinRequest,
    RequestStatus,
    Visibility,
)
from loopin.events.selectors.access import event_for, hosted_by
from loopin.events.share_paths import share_path_of
from loopin.payments.models import PayoutRequest
from loopin.tickets.models import Ticket

# Our payout states as the app names them (evenAnalytics.dart: pending/approved/processing = "Processing").
PAYOUT_STATUS = {"requested": "pending"}

_COLUMNS = (
    "id",
    "number",
    "title",
    "description",
    "organisation_id",
    "host_id",
    "host__number",
    "host__name",
    "host__phone_number",
    "venue_id",
    "venue__name",
    "venue__address",
    "location_text",
    "city",
    "country_code",
    "latitude",
    "longitude",
    "start_at",
    "end_at",
    "capacity",
    "going_count",
    "is_paid",
    "ticket_price",
    "currency",
    "allow_plus_one",
    "visibility",
    "status",
    "allowed_genders",
    "rsvp_expiry_policy",
    "slug",
    "canonical_id",
)


def _first_picture(field: str, user: Any) -> Subquery:
    """A person's first profile picture (`user`: an OuterRef to the row's person, or an id)."""
    return Subquery(ProfilePicture.objects.filter(user_id=user).order_by("position", "created_at").values(field)[:1])


def home_filter(viewer: User, now: datetime) -> Q:
    """C6's events: the caller's own (`hosted_by`, drafts included), and, of the others not in draft, the public ones
    still to come and those the caller is invited to or holds a ticket or a request for."""
    linked = (
        Exists(Invitation.objects.filter(event_id=OuterRef("id"), invitee_id=viewer.id))
        | Exists(Ticket.objects.filter(event_id=OuterRef("id"), user_id=viewer.id))
        | Exists(JoinRequest.objects.filter(event_id=OuterRef("id"), user_id=viewer.id))
    )
    public = Q(visibility=Visibility.PUBLIC, end_at__gte=now, status__in=[EventStatus.PUBLISHED, EventStatus.POSTPONED])
    return hosted_by(viewer) | (~Q(status=EventStatus.DRAFT) & (public | Q(linked)))


def _viewer(user_id: uuid.UUID) -> User:
    # The filters below read only the caller's id (a compiled query's slot), never the rest of the row.
    return User(id=user_id)


def _cover_list() -> JSONList:
    """The row's event's cover images, `[[url, image], ...]` in their order."""
    images = EventImage.objects.filter(event_id=OuterRef("id")).order_by("position", "created_at")
    return JSONList(images.values(pair=JSONArray("url", "image")))


def _interest_list() -> JSONList:
    """The row's event's interests, `[[id, name], ...]` in the interests' order."""
    links = Event.interests.through.objects.filter(event_id=OuterRef("id"))
    links = links.order_by("interest__position", "interest_id")
    return JSONList(links.values(pair=JSONArray("interest_id", "interest__name")))


def _rows(where: Q, user_id: uuid.UUID, **extra: Any) -> QuerySet[Event, dict[str, Any]]:
    """The Event object's columns for the alive events matching `where`, with their cover images and interests and
    what the caller holds on each: `acting` (an organisation's event whose role lets them run it: they are shown as
    its host) and `money` (the payout state is theirs to see), as `host_power_events` decides them for "view" and
    "money"."""
    viewer = _viewer(user_id)
    requests = (
        JoinRequest.objects.filter(event_id=OuterRef("id"))
        .exclude(status=RequestStatus.CANCELLED)
        .values("event_id")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    payout = PayoutRequest.objects.filter(event_id=OuterRef("id")).order_by("-created_at").values("status")[:1]
    qs: QuerySet[Event, dict[str, Any]] = (
        Event.objects.alive()
        .filter(where)
        .annotate(
            requests_total=Coalesce(Subquery(requests, output_field=IntegerField()), Value(0)),
            payout=Subquery(payout),
            pic_url=_first_picture("url", OuterRef("host_id")),
            pic_file=_first_picture("image", OuterRef("host_id")),
            acting=ExpressionWrapper(
                Q(organisation__isnull=False) & hosted_by(viewer, "view"), output_field=BooleanField()
            ),
            money=ExpressionWrapper(hosted_by(viewer, "money"), output_field=BooleanField()),
            my_pic_url=_first_picture("url", user_id),
            my_pic_file=_first_picture("image", user_id),
            cover_list=_cover_list(),
            interest_list=_interest_list(),
            **extra,
        )
        .values(
            *_COLUMNS,
            "requests_total",
            "payout",
            "pic_url",
            "pic_file",
            "acting",
            "money",
            "my_pic_url",
            "my_pic_file",
            "cover_list",
            "interest_list",
            *extra,
        )
    )
    return qs


def _home_rows(user_id: uuid.UUID, now: datetime, *, offset: int, limit: int) -> QuerySet[Event, dict[str, Any]]:
    where = home_filter(_viewer(user_id), now)
    qs = _rows(where, user_id, total=Window(Count("*"))).order_by("-created_at", "-number")
    return qs[offset : offset + limit]


@functools.lru_cache(maxsize=32)
def home_query(offset: int, limit: int) -> CompiledQuery:
    """C6's page as one compiled statement (LIMIT and OFFSET are part of the SQL: one per page window)."""
    build = functools.partial(_home_rows, offset=offset, limit=limit)
    return CompiledQuery(build, slots={"user_id": UUIDField(), "now": DateTimeField()})


def _detail_rows(event_id: uuid.UUID, user_id: uuid.UUID) -> QuerySet[Event, dict[str, Any]]:
    return _rows(Q(id=event_id), user_id)


DETAIL = CompiledQuery(_detail_rows, slots={"event_id": UUIDField(), "user_id": UUIDField()})


def event_out(row: dict[str, Any], viewer: User) -> dict[str, Any]:
    """The app's Event object (core/models/event.dart). The app finds its own events by `host.user_id`: an
    organisation's event shows its members the acting member (the viewer) as host, and everyone else the member
    who created it."""
    acting = bool(row["acting"])
    is_host = acting or (row["organisation_id"] is None and viewer.id == row["host_id"])
    money_shown = is_host and bool(row["money"])
    if acting:
        host_number, host_name, phone = viewer.number, viewer.name, viewer.phone_number
        picture = image_public_url(row["my_pic_url"] or "", row["my_pic_file"] or "") or None
    else:
        host_number, host_name, phone = row["host__number"], row["host__name"], row["host__phone_number"]
        picture = image_public_url(row["pic_url"] or "", row["pic_file"] or "") or None
    venue = row["venue_id"] is not None
    location_text = row["location_text"] or None
    venue_name = row["venue__name"] if venue else location_text
    payout = row["payout"]
    return {
        "id": row["number"],
        "uuid": str(row["id"]),
        "title": row["title"],
        "description": row["description"],
        "host": {
            "id": host_number,
            "user_id": host_number,
            "name": host_name or None,
            # The app's fallback host match compares this with the token's phone: only the host sees it.
            "username": phone if is_host else None,
            "profile_image": picture,
        },
        "location": {
            "venue_name": venue_name,
            "name": venue_name,
            "address": (row["venue__address"] or None) if venue else location_text,
            "city": row["city"] or None,
            "latitude": row["latitude"],
            "longitude": row["longitude"],
        },
        "start_time": iso(row["start_at"]),
        "end_time": iso(row["end_at"]),
        "max_capacity": row["capacity"],
        "going_count": row["going_count"],
        "requests_count": row["requests_total"] if is_host else None,
        "is_paid": row["is_paid"],
        "ticket_price": money(row["ticket_price"]),
        "currency": row["currency"],
        "allow_plus_one": row["allow_plus_one"],
        "is_public": row["visibility"] == Visibility.PUBLIC,
        "is_active": row["status"] in (EventStatus.PUBLISHED, EventStatus.POSTPONED),
        "allowed_genders": ",".join(row["allowed_genders"] or ["all"]),
        "cover_images": [image_public_url(url, image or "") for url, image in row["cover_list"]],
        "status": row["status"],
        "rsvp_expiry_policy": row["rsvp_expiry_policy"],
        "event_interests": [{"id": id_, "name": name, "description": None} for id_, name in row["interest_list"]],
        "payout_status": (PAYOUT_STATUS.get(payout, payout) if payout else None) if money_shown else None,
        "share_path": share_path_of(
            country_code=row["country_code"],
            city=row["city"],
            venue_id=row["venue_id"],
            slug=row["slug"],
            canonical_id=row["canonical_id"],
        ),
    }


def home_events(*, user: User, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """C6: the caller's own events, the events they are invited to or hold a ticket or request for, and
    public events still to come; newest first (the app asks for the first page only)."""
    now = timezone.now()
    rows = home_query(offset, limit).rows(user_id=user.id, now=now)
    if rows:
        total = rows[0]["total"]
    elif offset == 0:
        total = 0
    else:  # past the last page: the window count has no row to ride on
        total = Event.objects.alive().filter(home_filter(user, now)).count()
    return [event_out(r, user) for r in rows], total


def event_detail(*, user: User, event_id: int) -> dict[str, Any]:
    """C7: one event the caller may see (the events domain decides)."""
    event = event_for(user, numbers.event_uuid(event_id))
    return event_out(DETAIL.rows(event_id=event.id, user_id=user.id)[0], user)
