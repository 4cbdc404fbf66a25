"""`/api/events/...` in the app's dialect (CLIENT.md C6-C26). Literal paths come before `/{event_id}`."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from django.db import transaction
from fastapi import Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import to_json
from starlette.datastructures import UploadFile

from loopin.accounts.models import User
from loopin.app_v1 import event_reads, numbers, reads, staff_reads
from loopin.app_v1.schemas import AppEventCreated, AppEventEnvelope, AppEventList, AppItem, AppObject, AppTicket
from loopin.core.auth import CurrentUser
from loopin.core.envelope import error_responses, links, ok
from loopin.core.errors import ValidationFailed
from loopin.core.images import MAX_IMAGE_BYTES
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.events import services
from loopin.events.models import JoinMode, Visibility
from loopin.events.services import EventInput, VenueInput
from loopin.participation import attendance, join_requests
from loopin.participation import invitations as invitation_writes
from loopin.tickets.door.scans import ScanIn, checkin_scan, checkin_user

router = APIRouter(prefix="/api/events", tags=["app: events"])
ANY = error_responses(400, 401, 403, 404, 409, 422)
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=100)]
EventId = numbers.AppNumber
Policy = Literal["48h", "7d", "day_before_event", "event_start"]
_EVENT = "/api/events/{event_id}"
EVENT_LINKS = links(
    201, "event_id", "$response.body#/id",
    ("GET", _EVENT), ("PUT", _EVENT), ("GET", _EVENT + "/share-url"), ("GET", _EVENT + "/requests"),
    ("GET", _EVENT + "/attendees"), ("GET", _EVENT + "/invitations"),
)  # fmt: skip


class RequestIn(BaseModel):
    message: str = Field(default="", max_length=2000)
    seats_requested: int = Field(default=1, ge=1, le=10)


class AcceptIn(BaseModel):
    host_message: str = Field(default="", max_length=2000)


class ConfirmIn(BaseModel):
    seats: int = Field(default=1, ge=1, le=10)


class EventUpdateIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    rsvp_expiry_policy: Policy | None = None
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10000)
    max_capacity: int | None = Field(default=None, ge=0, le=100000)


class RespondIn(BaseModel):
    response: Literal["going", "declined", "not_going"]
    message: str = Field(default="", max_length=2000)
    seats: int = Field(default=1, ge=1, le=10)


class InviteIn(BaseModel):
    user_ids: list[EventId] = Field(min_length=1, max_length=50)
    expiry_policy: Policy = "48h"
    message: str = Field(default="", max_length=2000)


class CheckInIn(BaseModel):
    ticket_secret: str = Field(min_length=1, max_length=2000)


# ---------------------------------------------------------------- C8: multipart creation


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _flag(form: Any, name: str, default: bool) -> bool:
    value = _text(form, name).lower()
    return default if not value else value in ("true", "1", "yes")


def _number(form: Any, name: str, kind: type, default: Any = None) -> Any:
    try:
        return kind(_text(form, name)) if _text(form, name) else default
    except (ValueError, InvalidOperation):
        return default


def _bad(field: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed.one(field, code, f"{code}: {message}")


async def _create_form(request: Request) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
    form = await request.form(max_files=3, max_fields=60, max_part_size=64 * 1024)
    try:
        if not _text(form, "title"):
            raise _bad("title", "TITLE_REQUIRED", "Give the event a title.")
        if not _text(form, "venue_name"):
            raise _bad("venue_name", "VENUE_NAME_REQUIRED", "Give the venue's name.")
        try:
            start = datetime.fromisoformat(_text(form, "start_time").replace("Z", "+00:00"))
        except ValueError:
            raise _bad("start_time", "INVALID_DATETIME_FORMAT", "start_time is an ISO 8601 time.") from None
        if start.tzinfo is None:
            raise _bad("start_time", "INVALID_DATETIME_FORMAT", "start_time needs a UTC offset (Z).")
        duration = _number(form, "duration_hours", float)
        if duration is None or not 0 < duration <= 336:
            raise _bad("duration_hours", "INVALID_DURATION", "duration_hours is above 0 (at most 336).")
        price = _number(form, "ticket_price", Decimal, Decimal("0"))
        is_paid = _flag(form, "is_paid", False) and price > 0
        try:
            interests = json.loads(_text(form, "event_interest_ids") or "[]")
        except ValueError:
            interests = []
        address = _text(form, "location_address")
        fields = {
            "title": _text(form, "title")[:200],
            "description": _text(form, "description")[:10000],
            "start_at": start,
            "duration_hours": duration,
            "venue_name": _text(form, "venue_name")[:200],
            # The app sends the venue's name as the city: the address's last part names the city better.
            "city": (address.rsplit(",", 1)[-1].strip() if address else "") or _text(form, "location_city")[:100],
            "address": address[:500],
            "country_code": (_text(form, "location_country_code") or "IN")[:2].upper(),
            "latitude": _number(form, "location_latitude", Decimal),
            "longitude": _number(form, "location_longitude", Decimal),
            "capacity": max(_number(form, "max_capacity", int, 0), 0),
            "is_paid": is_paid,
            "ticket_price": price.quantize(Decimal("0.01")) if is_paid else Decimal("0"),
            "allow_plus_one": _flag(form, "allow_plus_one", False),
            "is_public": _flag(form, "is_public", True),
            "allowed_genders": [g.strip() for g in (_text(form, "allowed_genders") or "all").split(",") if g.strip()],
            "interest_ids": [i for i in interests if isinstance(i, int)] if isinstance(interests, list) else [],
        }
        uploads = []
        for i, item in enumerate(form.getlist("cover_images")):
            if isinstance(item, UploadFile):
                # Checked (and re-encoded) by event_add_cover_images, inside the creation's transaction.
                uploads.append((item.filename or f"cover-{i}", await item.read(MAX_IMAGE_BYTES + 1)))
    finally:
        await form.close()
    return fields, uploads


def _coordinate(value: Decimal | None, limit: int) -> Decimal | None:
    if value is None or not -limit <= value <= limit:
        return None
    return value.quantize(Decimal("0.000001"))


def _create(*, user: User, fields: dict[str, Any], uploads: list[tuple[str, bytes]]) -> dict[str, Any]:
    """The app's event: a venue from its fields, the event (published at once: the app has no publish call
    and sends `status=draft`), its cover images; all or nothing."""
    with transaction.atomic():
        venue = services.venue_create(
            user=user,
            data=VenueInput(
                name=fields["venue_name"],
                city=fields["city"] or fields["venue_name"],
                address=fields["address"],
                country_code=fields["country_code"],
                latitude=_coordinate(fields["latitude"], 90),
                longitude=_coordinate(fields["longitude"], 180),
            ),
        )
        data = EventInput(
            title=fields["title"],
            description=fields["description"],
            venue_id=venue.id,
            start_at=fields["start_at"],
            duration_hours=fields["duration_hours"],
            capacity=fields["capacity"],
            is_paid=fields["is_paid"],
            ticket_price=fields["ticket_price"],
            allow_plus_one=fields["allow_plus_one"],
            allowed_genders=fields["allowed_genders"],
            interest_ids=fields["interest_ids"],
            join_mode=JoinMode.APPROVAL,  # the app's guests always send a request
            visibility=Visibility.PUBLIC if fields["is_public"] else Visibility.PRIVATE,
            publish=True,
        )
        try:
            event = services.event_create(host=user, data=data)
        except ValidationFailed as exc:
            codes = {f.get("code") for f in (exc.details or {}).get("fields", [])}
            if "START_IN_PAST" in codes:
                raise _bad("start_time", "START_TIME_IN_PAST", "The event must start in the future.") from None
            raise
        if uploads:
            services.event_add_cover_images(actor=user, event_id=event.id, uploads=uploads)
    detail = event_reads.event_detail(user=user, event_id=event.number)
    return {"success": True, "message": "Event created", "id": detail["id"], "data": detail}


# ---------------------------------------------------------------- the caller's own (literal paths first)


@router.get("", response_model=AppEventList, responses=error_responses(401, 403, 422))
async def feed(caller: CurrentUser, offset: Offset = 0, limit: Limit = 100) -> Response:
    """C6: the home feed (own events, invitations, tickets, requests, public events to come), newest first."""
    items, total = await run_sync(event_reads.home_events, user=caller, offset=offset, limit=limit)
    # Serialised as the response model would (pydantic's encoder), without validating the page again: its rows
    # are built by `event_reads.event_out` (test_event_rows.py proves the answer is what AppEventList makes of it).
    page = {"success": True, "message": "Events", "data": items, "total": total, "offset": offset, "limit": limit}
    return Response(to_json(page), media_type="application/json")


@router.post("", response_model=AppEventCreated, status_code=201, responses={**ANY, **EVENT_LINKS})
async def create(request: Request, caller: CurrentUser) -> dict[str, Any]:
    """C8: create an event from the app's multipart form; it is live at once; top-level `id`."""
    fields, uploads = await _create_form(request)
    return await run_sync(_create, user=caller, fields=fields, uploads=uploads)


@router.get("/my-tickets", response_model=list[AppItem], responses=error_responses(401, 403, 422))
async def my_tickets(caller: CurrentUser, offset: Offset = 0, limit: Limit = 100) -> list[dict[str, Any]]:
    """C17: the caller's valid tickets, a bare list."""
    return await run_sync(reads.my_tickets, user=caller, offset=offset, limit=limit)


@router.get("/my-invitations", response_model=list[AppItem], responses=error_responses(401, 403, 422))
async def my_invitations(caller: CurrentUser, offset: Offset = 0, limit: Limit = 100) -> list[dict[str, Any]]:
    """C18: invitations the caller received, a bare list."""
    return await run_sync(reads.my_invitations, user=caller, offset=offset, limit=limit)


@router.get("/my-requests", response_model=AppObject, responses=error_responses(401, 403, 422))
async def my_requests(caller: CurrentUser, offset: Offset = 0, limit: Limit = 100) -> dict[str, Any]:
    """The caller's join requests, `requests[]` at the top level."""
    return await run_sync(reads.my_requests, user=caller, offset=offset, limit=limit)


@router.get("/users/search", response_model=AppObject, responses=error_responses(401, 403, 404, 422))
async def users_search(
    caller: CurrentUser,
    event_id: EventId,
    offset: Offset = 0,
    limit: Limit = 100,
    search: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    """C20: people the host may invite to the event, not yet invited first."""
    return await run_sync(
        staff_reads.invite_candidates_and_audit,
        user=caller,
        event_id=event_id,
        search=search,
        offset=offset,
        limit=limit,
    )


def _respond(*, user: User, invite_id: int, body: RespondIn) -> dict[str, Any]:
    response = "going" if body.response == "going" else "not_going"
    invitation = invitation_writes.invitation_respond(
        user=user, invitation_id=numbers.invitation_uuid(invite_id), response=response, seats=body.seats
    )
    event = invitation.event
    going = response == "going"
    return {
        "success": True,
        "message": "Response saved",
        "invite_id": invitation.number,
        "event_id": event.number,
        "status": reads.invitation_status(invitation),
        "is_paid": event.is_paid,
        "requires_payment": going and event.is_paid,
        "requires_confirmation": going and not event.is_paid and not invitation.tickets.filter(status="valid").exists(),
    }


@router.put("/invitations/{invite_id}/respond", response_model=AppObject, responses=ANY)
async def invitation_respond(invite_id: EventId, body: RespondIn, caller: CurrentUser) -> dict[str, Any]:
    """C19: answer an invitation (`going` or `declined`); says whether payment or confirmation follows."""
    return await run_sync(_respond, user=caller, invite_id=invite_id, body=body)


# ---------------------------------------------------------------- one event


@router.get("/{event_id}", response_model=AppEventEnvelope, responses=error_responses(401, 403, 404, 422))
async def detail(event_id: EventId, caller: CurrentUser) -> dict[str, Any]:
    """C7: one event the caller may see."""
    return ok(await run_sync(event_reads.event_detail, user=caller, event_id=event_id), "Event")


def _update(*, user: User, event_id: int, body: EventUpdateIn) -> dict[str, Any]:
    given = body.model_dump(exclude_unset=True, exclude_none=True)
    data = EventInput(
        rsvp_expiry_policy=given.get("rsvp_expiry_policy"),
        title=given.get("title"),
        description=given.get("description"),
        capacity=given.get("max_capacity"),
        given={"capacity" if k == "max_capacity" else k for k in given},
    )
    services.event_update(actor=user, event_id=numbers.event_uuid(event_id), data=data)
    return event_reads.event_detail(user=user, event_id=event_id)


@router.put("/{event_id}", response_model=AppEventEnvelope, responses=ANY)
async def update(event_id: EventId, body: EventUpdateIn, caller: CurrentUser) -> dict[str, Any]:
    """C9: partial update, e.g. the RSVP policy `{"rsvp_expiry_policy": "48h"}` (host only)."""
    return ok(await run_sync(_update, user=caller, event_id=event_id, body=body), "Event updated")


@router.get("/{event_id}/share-url", response_model=AppObject, responses=error_responses(401, 403, 404, 422))
async def share_url(event_id: EventId, caller: CurrentUser) -> dict[str, Any]:
    """C10: the event's share link (`canonical_url`, `canonical_path`)."""
    return {"success": True, **await run_sync(reads.share_url, user=caller, event_id=event_id)}


@router.get("/{event_id}/my-request", response_model=AppObject, responses=error_responses(401, 403, 404, 422))
async def my_request(event_id: EventId, caller: CurrentUser) -> dict[str, Any]:
    """C11: the caller's request, the whole body (`status`, `can_confirm`)."""
    return await run_sync(reads.my_request, user=caller, event_id=event_id)


def _request(*, user: User, event_id: int, body: RequestIn) -> dict[str, Any]:
    event_uuid = numbers.event_uuid(event_id)
    join_requests.join_request_create(user=user, event_id=event_uuid, message=body.message, seats=body.seats_requested)
    return reads.my_request(user=user, event_id=event_id)


@router.post("/{event_id}/requests", response_model=AppObject, status_code=201, responses=ANY)
async def request_create(event_id: EventId, body: RequestIn, caller: CurrentUser) -> dict[str, Any]:
    """C12: ask to join."""
    return await run_sync(_request, user=caller, event_id=event_id, body=body)


@router.get("/{event_id}/requests", response_model=AppObject, responses=error_responses(401, 403, 404, 422))
async def requests(event_id: EventId, caller: CurrentUser, offset: Offset = 0, limit: Limit = 100) -> dict[str, Any]:
    """C13: the host's requests, `requests[]` at the top level."""
    return await run_sync(
        staff_reads.event_requests_and_audit, user=caller, event_id=event_id, offset=offset, limit=limit
    )


def _accept(*, user: User, event_id: int, request_id: int, note: str) -> dict[str, Any]:
    req = join_requests.join_request_accept(
        host=user, event_id=numbers.event_uuid(event_id), request_id=numbers.request_uuid(request_id), note=note
    )
    return {"success": True, "message": "Request accepted", "id": req.number, "status": req.status,
            "confirm_by": reads.iso(req.confirm_by)}  # fmt: skip


@router.put("/{event_id}/requests/{request_id}/accept", response_model=AppObject, responses=ANY)
async def request_accept(event_id: EventId, request_id: EventId, body: AcceptIn, caller: CurrentUser) -> dict[str, Any]:
    """C14: accept a request; the guest may then confirm until the event's RSVP deadline (seat held)."""
    return await run_sync(_accept, user=caller, event_id=event_id, request_id=request_id, note=body.host_message)


def _confirm(*, user: User, event_id: int, seats: int) -> dict[str, Any]:
    ticket = attendance.attendance_confirm(user=user, event_id=numbers.event_uuid(event_id), seats=seats)
    return reads.ticket_by_id(ticket_id=ticket.id)


@router.post("/{event_id}/confirm-attendance", response_model=AppTicket, responses=ANY)
async def confirm_attendance(event_id: EventId, body: ConfirmIn, caller: CurrentUser) -> dict[str, Any]:
    """C15: "Going!": the ticket of a free event (`ticket_secret` at the top level)."""
    return await run_sync(_confirm, user=caller, event_id=event_id, seats=body.seats)


@router.get("/{event_id}/my-ticket", response_model=AppTicket, responses=error_responses(401, 403, 404, 422))
async def my_ticket(event_id: EventId, caller: CurrentUser) -> dict[str, Any]:
    """C16: the caller's ticket, at the top level."""
    return await run_sync(reads.my_ticket, user=caller, event_id=event_id)


def _invite(*, user: User, event_id: int, body: InviteIn) -> dict[str, Any]:
    known = numbers.numbers_of_users(body.user_ids)
    errors = [{"user_id": n, "error": "User not found."} for n in body.user_ids if n not in known]
    created = []
    if known:
        created = invitation_writes.invitations_create(
            host=user,
            event_id=numbers.event_uuid(event_id),
            user_ids=list(known.values()),
            message=body.message,
            expiry_policy=body.expiry_policy,
        )
    by_user = {v: k for k, v in known.items()}
    invites = [
        {
            "invite_id": i.number,
            "user_id": by_user[i.invitee_id],
            "user_name": i.invitee.name or None,
            "status": reads.invitation_status(i),
            "message": i.message or None,
            "expires_at": reads.iso(i.expires_at),
            "expiry_policy": i.expiry_policy or None,
        }
        for i in created
    ]
    skipped = len(known) - len(created)
    return {"success": not errors, "message": f"Created: {len(created)}", "created_count": len(created),
            "skipped_count": skipped, "errors": errors, "invites": invites}  # fmt: skip


@router.post("/{event_id}/invitations", response_model=AppObject, status_code=201, responses=ANY)
async def invite(event_id: EventId, body: InviteIn, caller: CurrentUser) -> dict[str, Any]:
    """C21: invite people by their integer ids, with an answer deadline policy."""
    return await run_sync(_invite, user=caller, event_id=event_id, body=body)


@router.get("/{event_id}/invitations", response_model=AppObject, responses=error_responses(401, 403, 404, 422))
async def invitations(event_id: EventId, caller: CurrentUser, offset: Offset = 0, limit: Limit = 100) -> dict[str, Any]:
    """C22: the host's invitations, `invitations[]` at the top level."""
    return await run_sync(
        staff_reads.event_invitations_and_audit, user=caller, event_id=event_id, offset=offset, limit=limit
    )


@router.get("/{event_id}/attendees", response_model=AppObject, responses=error_responses(401, 403, 404, 422))
async def attendees(event_id: EventId, caller: CurrentUser, offset: Offset = 0, limit: Limit = 100) -> dict[str, Any]:
    """C23: the host's guest list, `attendees[]` with each ticket secret."""
    return await run_sync(staff_reads.attendees_and_audit, user=caller, event_id=event_id, offset=offset, limit=limit)


def _scan_answer(result: dict[str, Any]) -> dict[str, Any]:
    status = result["status"]
    admitted = status in ("ok", "already_checked_in")
    return {
        "success": admitted,
        "message": result["message"],
        "already_checked_in": status == "already_checked_in",
        "attendance": {"status": status, "seats": result.get("seats"), "scanned_at": result.get("scanned_at")},
        **({} if admitted else {"error_code": status.upper(), "detail": result["message"], "error": result["message"]}),
    }


def _check_in(*, user: User, event_id: int, secret: str) -> dict[str, Any]:
    scan = ScanIn(nonce=f"app-{uuid.uuid4().hex}", qr=secret)  # the app sends no nonce: each tap is a new scan
    return _scan_answer(checkin_scan(actor=user, event_id=numbers.event_uuid(event_id), scan=scan))


@router.post("/{event_id}/check-in", response_model=AppObject, responses=ANY)
async def check_in(event_id: EventId, body: CheckInIn, caller: CurrentUser) -> Any:
    """C24: admit a guest by the ticket secret from C23 (host or door staff); a repeat says `already_checked_in`."""
    return _as_status(await run_sync(_check_in, user=caller, event_id=event_id, secret=body.ticket_secret))


def _as_status(answer: dict[str, Any]) -> Any:
    return answer if answer["success"] else JSONResponse(answer, status_code=400)


@router.get("/{event_id}/check-ins", response_model=AppObject, responses=error_responses(401, 403, 404, 422))
async def check_ins(event_id: EventId, caller: CurrentUser, offset: Offset = 0, limit: Limit = 100) -> dict[str, Any]:
    """C25: who has been admitted, `checked_in[]` at the top level."""
    return await run_sync(staff_reads.check_ins_and_audit, user=caller, event_id=event_id, offset=offset, limit=limit)


def _check_in_user(*, user: User, event_id: int, user_id: int) -> dict[str, Any]:
    result = checkin_user(actor=user, event_id=numbers.event_uuid(event_id), user_id=numbers.user_uuid(user_id))
    return _scan_answer(result)


@router.post("/{event_id}/attendees/{user_id}/check-in", response_model=AppObject, responses=ANY)
async def check_in_user(event_id: EventId, user_id: EventId, caller: CurrentUser) -> Any:
    """C26: admit a guest by their user id (manual check-in from the guest list)."""
    return _as_status(await run_sync(_check_in_user, user=caller, event_id=event_id, user_id=user_id))
