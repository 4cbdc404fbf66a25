"""Events HTTP API: venues, events and their lifecycle, discovery, the reads of requests and invitations.

Taking part (join requests, invitations, share links, attendance, the guest list, the waitlist) and the ticket
reads are in loopin.participation.api and loopin.participation.ticket_api.

Static paths are declared before `/{event_id}` so they are never read as an event id.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import File, Path, Query, UploadFile
from fastapi.responses import JSONResponse
from pydantic import Field

from loopin.core.auth import CurrentUser, OptionalUser, UngatedUser
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, links, ok
from loopin.core.errors import NotFound, ValidationFailed
from loopin.core.images import MAX_IMAGE_BYTES
from loopin.core.pagination import PageParams, run_page, run_page_json
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.core.time import QueryTime
from loopin.events import selectors, services
from loopin.events.cohosts_api import router as co_hosts
from loopin.events.error_codes import EventErrorCode
from loopin.events.questions_api import router as questions
from loopin.events.schemas import (
    EventCardOut,
    EventCreateIn,
    EventDetailOut,
    EventStatusName,
    EventUpdateIn,
    HostLeadIn,
    HostLeadOut,
    InvitationOut,
    InvitationStatusName,
    JoinRequestOut,
    MoveIn,
    PostponeIn,
    RepublishIn,
    RequestStatusName,
    ResolveOut,
    TransitionIn,
    VenueIn,
    VenueOut,
)
from loopin.events.selectors import EventView
from loopin.events.services import EventInput, VenueInput
from loopin.events.tiers_api import router as tiers

if TYPE_CHECKING:
    from loopin.accounts.models import User

events = APIRouter(prefix="/api/v2/events", tags=["events"])
venues = APIRouter(prefix="/api/v2/venues", tags=["venues"])
hosts = APIRouter(prefix="/api/v2/hosts", tags=["hosts"])
me = APIRouter(prefix="/api/v2/me", tags=["me"])

ANY_ERROR = (400, 401, 403, 404, 409, 422)
_EVENT = "/api/v2/events/{event_id}"
EVENT_LINKS = links(
    201, "event_id", "$response.body#/data/id",
    ("GET", _EVENT), ("PATCH", _EVENT), ("DELETE", _EVENT), ("POST", _EVENT + "/publish"),
    ("POST", _EVENT + "/cancel"), ("GET", _EVENT + "/requests"), ("GET", _EVENT + "/attendees"),
    ("GET", _EVENT + "/invite-links"),
)  # fmt: skip
VENUE_LINKS = links(201, "venue_id", "$response.body#/data/id", ("GET", "/api/v2/venues/{venue_id}"))


def _event_input(body: EventCreateIn | EventUpdateIn) -> EventInput:
    given = body.model_dump(exclude_unset=True)
    return EventInput(
        **{k: v for k, v in given.items() if k not in ("cover_images", "publish")},
        cover_image_urls=given.get("cover_images"),
        publish=bool(given.get("publish", False)),
        given=set(given),
    )


# ---------------------------------------------------------------- writes answered with a read
# The one idiom (issue 20): an endpoint makes one `run_sync` call. A write whose response shows what it
# wrote calls one of these: one service, then one read of the result, on the same worker thread.


def venue_create_and_read(*, user: User, data: VenueInput) -> dict[str, Any]:
    """Add a venue, then read it back."""
    return selectors.venue_out(services.venue_create(user=user, data=data))


def host_lead_create_and_read(
    *, user: User | None, first_name: str, last_name: str, phone_number: str, message: str
) -> dict[str, Any]:
    """Record a become-a-host request, then read it back."""
    lead = services.host_lead_create(
        first_name=first_name, last_name=last_name, phone_number=phone_number, message=message, user=user
    )
    return {"id": lead.id, "state": lead.state, "created_at": lead.created_at}


def event_create_and_read(*, user: User, data: EventInput) -> EventView:
    """Create an event, then read it back as its host sees it."""
    event = services.event_create(host=user, data=data)
    return selectors.event_detail(user=user, event_id=event.id)


def event_update_and_read(*, user: User, event_id: uuid.UUID, data: EventInput) -> EventView:
    """Edit an event, then read it back as the caller sees it."""
    event = services.event_update(actor=user, event_id=event_id, data=data)
    return selectors.event_detail(user=user, event_id=event.id)


def event_transition_and_read(
    *,
    user: User,
    event_id: uuid.UUID,
    target: str,
    reason: str,
    new_start_at: datetime | None = None,
    new_end_at: datetime | None = None,
) -> EventView:
    """Move an event through its lifecycle, then read it back as the caller sees it."""
    event = services.event_transition(
        actor=user, event_id=event_id, target=target, reason=reason, new_start_at=new_start_at, new_end_at=new_end_at
    )
    return selectors.event_detail(user=user, event_id=event.id)


def event_move_and_read(*, user: User, event_id: uuid.UUID, organisation_id: uuid.UUID) -> EventView:
    """Move a personal event into an organisation, then read it back as the caller sees it."""
    event = services.event_move(actor=user, event_id=event_id, organisation_id=organisation_id)
    return selectors.event_detail(user=user, event_id=event.id)


def event_add_cover_images_and_read(*, user: User, event_id: uuid.UUID, uploads: list[tuple[str, bytes]]) -> EventView:
    """Add cover images, then read the event back as the caller sees it."""
    event = services.event_add_cover_images(actor=user, event_id=event_id, uploads=uploads)
    return selectors.event_detail(user=user, event_id=event.id)


# ---------------------------------------------------------------- venues


@venues.get("", response_model=ListEnvelope[VenueOut])
async def venue_list(
    page: PageParams,
    q: Annotated[str | None, Query(max_length=100)] = None,
    city: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    """Search venues by name/address and city."""
    return await run_page(selectors.venues_search, page, "Venues", q=q, city=city)


@venues.post(
    "",
    response_model=Envelope[VenueOut],
    status_code=201,
    responses={**error_responses(401, 403, 422), **VENUE_LINKS},
)
async def venue_create(body: VenueIn, caller: CurrentUser) -> dict[str, Any]:
    """Add a venue (hosts); staff verify venues in the admin."""
    data = VenueInput(**body.model_dump())
    return ok(await run_sync(venue_create_and_read, user=caller, data=data), "Venue created")


@venues.get("/{venue_id}", response_model=Envelope[VenueOut], responses=error_responses(404, 422))
async def venue_get(venue_id: uuid.UUID) -> dict[str, Any]:
    """One venue."""
    return ok(await run_sync(selectors.venue_get, venue_id=venue_id), "Venue")


# ---------------------------------------------------------------- hosts


@hosts.post(
    "/become-a-host", response_model=Envelope[HostLeadOut], status_code=201, responses=error_responses(409, 422)
)
async def become_a_host(body: HostLeadIn, caller: OptionalUser) -> dict[str, Any]:
    """Ask to become a host; staff follow up (one request per phone number)."""
    lead = await run_sync(
        host_lead_create_and_read,
        user=caller,
        first_name=body.first_name,
        last_name=body.last_name,
        phone_number=body.phone_number,
        message=body.message,
    )
    return ok(lead, "Thanks! We will be in touch.")


# ---------------------------------------------------------------- discovery (static paths first)


@events.get("", response_model=ListEnvelope[EventCardOut], responses=error_responses(422))
async def event_feed(
    page: PageParams,
    caller: OptionalUser,
    interest_ids: Annotated[
        list[Annotated[int, Field(ge=1, le=2**31 - 1)]] | None, Query(description="Any of these interests")
    ] = None,
    city: Annotated[str | None, Query(max_length=100)] = None,
    date_from: Annotated[QueryTime | None, Query()] = None,
    date_to: Annotated[QueryTime | None, Query()] = None,
    price: Annotated[Literal["free", "paid"] | None, Query()] = None,
    host_id: uuid.UUID | None = None,
    venue_id: uuid.UUID | None = None,
    q: Annotated[str | None, Query(max_length=100, description="Text in title or description")] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lng: Annotated[float | None, Query(ge=-180, le=180)] = None,
    radius_km: Annotated[float | None, Query(gt=0, le=500)] = None,
    sort: Annotated[Literal["start", "distance"], Query()] = "start",
    upcoming: bool = True,
) -> JSONResponse:
    """Discover published public events (upcoming by default), filtered and sorted."""
    if (lat is None) != (lng is None):
        raise ValidationFailed.one("lat", "COORDINATES_PAIR", "Give both lat and lng, or neither.")
    if sort == "distance" and lat is None:
        raise ValidationFailed.one("sort", "DISTANCE_NEEDS_POINT", "Sorting by distance needs lat and lng.")
    filters = selectors.FeedFilters(
        interest_ids=interest_ids,
        city=city,
        date_from=date_from,
        date_to=date_to,
        price=price,
        host_id=host_id,
        venue_id=venue_id,
        q=q,
        lat=lat,
        lng=lng,
        radius_km=radius_km,
        sort=sort,
        upcoming=upcoming,
    )
    return await run_page_json(selectors.event_feed_json, page, "Events", user=caller, filters=filters)


@events.post(
    "",
    response_model=Envelope[EventDetailOut],
    status_code=201,
    responses={**error_responses(401, 403, 422), **EVENT_LINKS},
)
async def event_create(body: EventCreateIn, caller: CurrentUser) -> dict[str, Any]:
    """Create an event (a draft, or published at once with `publish: true`)."""
    data = _event_input(body)
    view = await run_sync(event_create_and_read, user=caller, data=data)
    return ok(EventDetailOut.from_view(view), "Event created")


@events.get("/canonical/{canonical_id}", response_model=Envelope[EventDetailOut], responses=error_responses(404))
async def event_by_canonical_id(
    canonical_id: Annotated[str, Path(max_length=12)], caller: OptionalUser
) -> dict[str, Any]:
    """Resolve an event by its short canonical id (the end of its share path)."""
    view = await run_sync(selectors.event_by_canonical, user=caller, canonical_id=canonical_id)
    return ok(EventDetailOut.from_view(view), "Event")


@events.get("/resolve", response_model=Envelope[ResolveOut], responses=error_responses(404, 422))
async def event_resolve(
    path: Annotated[str, Query(max_length=500, examples=["/in/mumbai/events/jam--ab12cd34"])], caller: OptionalUser
) -> dict[str, Any]:
    """Resolve a share path, old or new; `redirect` tells the client to move to the current one."""
    canonical_id = selectors.share_path_parse(path)
    if canonical_id is None:
        raise NotFound("That is not an event link.", code=EventErrorCode.EVENT_NOT_FOUND)
    detail = EventDetailOut.from_view(
        await run_sync(selectors.event_by_canonical, user=caller, canonical_id=canonical_id)
    )
    current = detail.share_path
    return ok(ResolveOut(event=detail, share_path=current, redirect=path.rstrip("/") != current), "Event")


# ---------------------------------------------------------------- one event


@events.get("/{event_id}", response_model=Envelope[EventDetailOut], responses=error_responses(404, 422))
async def event_get(event_id: uuid.UUID, caller: OptionalUser) -> dict[str, Any]:
    """One event, for whoever may see it (drafts: the host; private: the host and guests)."""
    view = await run_sync(selectors.event_detail, user=caller, event_id=event_id)
    return ok(EventDetailOut.from_view(view), "Event")


@events.patch("/{event_id}", response_model=Envelope[EventDetailOut], responses=error_responses(*ANY_ERROR))
async def event_update(event_id: uuid.UUID, body: EventUpdateIn, caller: CurrentUser) -> dict[str, Any]:
    """Edit an event (host or staff); time and place changes of a published event are recorded."""
    data = _event_input(body)
    view = await run_sync(event_update_and_read, user=caller, event_id=event_id, data=data)
    return ok(EventDetailOut.from_view(view), "Event updated")


@events.delete("/{event_id}", response_model=Envelope[None], responses=error_responses(*ANY_ERROR))
async def event_delete(event_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Delete an event (soft delete; an event with guests must be cancelled first)."""
    await run_sync(services.event_delete, actor=caller, event_id=event_id)
    return ok(None, "Event deleted")


@events.post("/{event_id}/publish", response_model=Envelope[EventDetailOut], responses=error_responses(*ANY_ERROR))
async def event_publish(event_id: uuid.UUID, body: RepublishIn, caller: CurrentUser) -> dict[str, Any]:
    """Publish a draft, or a postponed event again (with its new time)."""
    view = await run_sync(
        event_transition_and_read,
        user=caller,
        event_id=event_id,
        target="published",
        reason=body.reason,
        new_start_at=body.new_start_at,
        new_end_at=body.new_end_at,
    )
    return ok(EventDetailOut.from_view(view), "Event published")


@events.post("/{event_id}/postpone", response_model=Envelope[EventDetailOut], responses=error_responses(*ANY_ERROR))
async def event_postpone(event_id: uuid.UUID, body: PostponeIn, caller: CurrentUser) -> dict[str, Any]:
    """Postpone a published event (optionally to a new time); guests keep their tickets."""
    view = await run_sync(
        event_transition_and_read,
        user=caller,
        event_id=event_id,
        target="postponed",
        reason=body.reason,
        new_start_at=body.new_start_at,
        new_end_at=body.new_end_at,
    )
    return ok(EventDetailOut.from_view(view), "Event postponed")


@events.post("/{event_id}/cancel", response_model=Envelope[EventDetailOut], responses=error_responses(*ANY_ERROR))
async def event_cancel(event_id: uuid.UUID, body: TransitionIn, caller: CurrentUser) -> dict[str, Any]:
    """Cancel an event: free tickets are voided, pending requests and invitations closed."""
    view = await run_sync(
        event_transition_and_read, user=caller, event_id=event_id, target="cancelled", reason=body.reason
    )
    return ok(EventDetailOut.from_view(view), "Event cancelled")


@events.post("/{event_id}/complete", response_model=Envelope[EventDetailOut], responses=error_responses(*ANY_ERROR))
async def event_complete(event_id: uuid.UUID, body: TransitionIn, caller: CurrentUser) -> dict[str, Any]:
    """Mark a started event as completed."""
    view = await run_sync(
        event_transition_and_read, user=caller, event_id=event_id, target="completed", reason=body.reason
    )
    return ok(EventDetailOut.from_view(view), "Event completed")


@events.post("/{event_id}/move", response_model=Envelope[EventDetailOut], responses=error_responses(*ANY_ERROR))
async def event_move(event_id: uuid.UUID, body: MoveIn, caller: CurrentUser) -> dict[str, Any]:
    """Move your personal event into an organisation where your role allows `events` (once); its orders, tickets
    and guests stay, its members run it by role from now on."""
    view = await run_sync(event_move_and_read, user=caller, event_id=event_id, organisation_id=body.organisation_id)
    return ok(EventDetailOut.from_view(view), "Event moved")


@events.post(
    "/{event_id}/images",
    response_model=Envelope[EventDetailOut],
    status_code=201,
    responses=error_responses(*ANY_ERROR, 413),
)
async def event_add_images(
    event_id: uuid.UUID,
    caller: CurrentUser,
    images: Annotated[list[UploadFile], File(description="JPEG/PNG/WebP, <= 5 MB")],
) -> dict[str, Any]:
    """Upload cover images (at most 3 per event)."""
    uploads = [(f.filename or "cover", await f.read(MAX_IMAGE_BYTES + 1)) for f in images]
    view = await run_sync(event_add_cover_images_and_read, user=caller, event_id=event_id, uploads=uploads)
    return ok(EventDetailOut.from_view(view), "Images added")


@events.delete("/{event_id}/images/{image_id}", response_model=Envelope[None], responses=error_responses(*ANY_ERROR))
async def event_remove_image(event_id: uuid.UUID, image_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Remove a cover image."""
    await run_sync(services.event_remove_cover_image, actor=caller, event_id=event_id, image_id=image_id)
    return ok(None, "Image removed")


# ---------------------------------------------------------------- the caller's own


@me.get("/events", response_model=ListEnvelope[EventCardOut], responses=error_responses(401, 422))
async def my_events(
    page: PageParams,
    caller: UngatedUser,
    status: EventStatusName | None = None,
    role: Annotated[
        Literal["host", "co_host", "any"],
        Query(description="host: events you host; co_host: events you co-host (accepted); any: both"),
    ] = "host",
) -> dict[str, Any]:
    """Events the caller hosts (or co-hosts, with `role`)."""
    return await run_page(selectors.my_hosted_events, page, "Your events", user=caller, status=status, role=role)


@me.get("/requests", response_model=ListEnvelope[JoinRequestOut], responses=error_responses(401, 422))
async def my_requests(page: PageParams, caller: UngatedUser, status: RequestStatusName | None = None) -> dict[str, Any]:
    """The caller's join requests."""
    return await run_page(selectors.my_requests, page, "Your requests", user=caller, status=status)


@me.get("/invitations", response_model=ListEnvelope[InvitationOut], responses=error_responses(401, 422))
async def my_invitations(
    page: PageParams, caller: UngatedUser, status: InvitationStatusName | None = None
) -> dict[str, Any]:
    """Invitations the caller received."""
    return await run_page(selectors.my_invitations, page, "Your invitations", user=caller, status=status)


# The ticket reads (`my-ticket`, `attendees`, `/me/tickets`) are loopin.participation.ticket_api's; config/asgi.py
# mounts its events router between these two lists, where the endpoints were, so the OpenAPI document keeps its
# order.
routers = [venues, hosts, events]
routers_after_ticket_reads = [tiers, questions, co_hosts, me]
