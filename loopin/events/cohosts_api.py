"""Co-hosts over HTTP (`/api/v2/events/{event_id}/co-hosts`): the host adds (by phone number or handle), lists,
changes and removes co-hosts; the asked person accepts or declines (`/me/accept`, `/me/decline`) and a co-host
leaves (`DELETE /me`). What a co-host may do: docs/TICKETING.md "Co-hosts" (`CO_HOST_ACTIONS`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from django.db.models import Prefetch
from pydantic import BaseModel, ConfigDict, Field, model_validator

from loopin.accounts.models import ProfilePicture, User
from loopin.core.auth import CurrentUser
from loopin.core.envelope import Envelope, error_responses, ok
from loopin.core.errors import NotFound
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import CoHost, Event
from loopin.events.selectors.access import ensure_can_manage, event_for
from loopin.events.services.access import staff_read_audit
from loopin.events.services.cohosts import (
    co_host_add,
    co_host_leave,
    co_host_remove,
    co_host_respond,
    co_host_update,
)

router = APIRouter(prefix="/api/v2/events", tags=["co-hosts"])
ANY_ERROR = (400, 401, 403, 404, 409, 422, 429)


class CoHostIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone_number: str | None = Field(default=None, max_length=32, description="The person's number (E.164 or local)")
    handle: str | None = Field(default=None, max_length=31, description="Or their handle (with or without @)")
    can_see_phone_numbers: bool = Field(default=False, description="Let them see guests' phone numbers")

    @model_validator(mode="after")
    def _one_of(self) -> CoHostIn:
        if bool(self.phone_number) == bool(self.handle):
            raise ValueError("Give either phone_number or handle.")
        return self


class CoHostUpdateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    can_see_phone_numbers: bool


class CoHostOut(BaseModel):
    user_id: uuid.UUID
    event_id: uuid.UUID
    name: str | None
    handle: str | None
    picture: str | None
    status: Literal["invited", "accepted"] = Field(description="invited: asked, no powers until they accept")
    can_see_phone_numbers: bool
    added_at: datetime
    accepted_at: datetime | None


def _out(row: CoHost) -> dict[str, Any]:
    user: User = row.user
    pictures = [p.public_url for p in user.pictures.all()]
    person = getattr(user, "person", None)
    return {
        "user_id": row.user_id,
        "event_id": row.event_id,
        "name": user.name or None,
        "handle": (person.handle if person is not None else None) or None,
        "picture": pictures[0] if pictures else None,
        "status": "accepted" if row.accepted_at else "invited",
        "can_see_phone_numbers": row.can_see_phone_numbers,
        "added_at": row.created_at,
        "accepted_at": row.accepted_at,
    }


def _rows() -> Any:
    pictures = Prefetch("user__pictures", queryset=ProfilePicture.objects.order_by("position"))
    return CoHost.objects.select_related("user", "user__person").prefetch_related(pictures)


def _one(event_id: uuid.UUID, user_id: uuid.UUID) -> dict[str, Any]:
    return _out(_rows().get(event_id=event_id, user_id=user_id))


def _list_and_audit(*, user: User, event_id: uuid.UUID) -> list[dict[str, Any]]:
    """The co-hosts for whoever manages the event; a staff read is audited."""
    event = event_for(user, event_id)
    ensure_can_manage(user, event, "view")
    rows = [_out(row) for row in _rows().filter(event=event)]
    staff_read_audit(user=user, event_id=event.id, action="view")
    return rows


def _add(*, user: User, event_id: uuid.UUID, body: CoHostIn) -> dict[str, Any]:
    row = co_host_add(
        host=user,
        event_id=event_id,
        phone_number=body.phone_number,
        handle=body.handle,
        can_see_phone_numbers=body.can_see_phone_numbers,
    )
    return _one(event_id, row.user_id)


def _update(*, user: User, event_id: uuid.UUID, user_id: uuid.UUID, body: CoHostUpdateIn) -> dict[str, Any]:
    co_host_update(host=user, event_id=event_id, user_id=user_id, can_see_phone_numbers=body.can_see_phone_numbers)
    return _one(event_id, user_id)


def _mine(*, user: User, event_id: uuid.UUID) -> dict[str, Any]:
    row = _rows().filter(event_id=event_id, user=user, event__in=Event.objects.alive()).first()
    if row is None:
        raise NotFound("You are not asked to co-host this event.", code=EventErrorCode.CO_HOST_NOT_FOUND)
    return _out(row)


def _accept(*, user: User, event_id: uuid.UUID) -> dict[str, Any]:
    co_host_respond(user=user, event_id=event_id, accept=True)
    return _one(event_id, user.id)


@router.get("/{event_id}/co-hosts", response_model=Envelope[list[CoHostOut]], responses=error_responses(401, 403, 404))
async def co_hosts_list(event_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """The event's co-hosts and the people asked to be one (host and co-hosts)."""
    return ok(await run_sync(_list_and_audit, user=caller, event_id=event_id), "Co-hosts")


@router.post(
    "/{event_id}/co-hosts", response_model=Envelope[CoHostOut], status_code=201, responses=error_responses(*ANY_ERROR)
)
async def co_hosts_add(event_id: uuid.UUID, body: CoHostIn, caller: CurrentUser) -> dict[str, Any]:
    """Ask someone (by phone number or handle) to co-host; they get a notification and accept first (host only)."""
    return ok(await run_sync(_add, user=caller, event_id=event_id, body=body), "Co-host asked")


@router.get("/{event_id}/co-hosts/me", response_model=Envelope[CoHostOut], responses=error_responses(401, 404))
async def co_hosts_me(event_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Your co-hosting of this event (or the invitation to it)."""
    return ok(await run_sync(_mine, user=caller, event_id=event_id), "Your co-hosting")


@router.post(
    "/{event_id}/co-hosts/me/accept", response_model=Envelope[CoHostOut], responses=error_responses(400, 401, 404)
)
async def co_hosts_accept(event_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Accept the invitation to co-host: the powers start now."""
    return ok(await run_sync(_accept, user=caller, event_id=event_id), "You are a co-host")


@router.post("/{event_id}/co-hosts/me/decline", response_model=Envelope[None], responses=error_responses(401, 404))
async def co_hosts_decline(event_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Decline the invitation to co-host."""
    await run_sync(co_host_respond, user=caller, event_id=event_id, accept=False)
    return ok(None, "Declined")


@router.delete("/{event_id}/co-hosts/me", response_model=Envelope[None], responses=error_responses(401, 404))
async def co_hosts_leave(event_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Stop co-hosting (your powers end now)."""
    await run_sync(co_host_leave, user=caller, event_id=event_id)
    return ok(None, "You left")


@router.patch(
    "/{event_id}/co-hosts/{user_id}", response_model=Envelope[CoHostOut], responses=error_responses(401, 403, 404, 422)
)
async def co_hosts_update(event_id: uuid.UUID, user_id: uuid.UUID, body: CoHostUpdateIn, caller: CurrentUser) -> Any:
    """Let a co-host see guests' phone numbers, or not (host only)."""
    return ok(await run_sync(_update, user=caller, event_id=event_id, user_id=user_id, body=body), "Co-host changed")


@router.delete(
    "/{event_id}/co-hosts/{user_id}", response_model=Envelope[None], responses=error_responses(401, 403, 404)
)
async def co_hosts_remove(event_id: uuid.UUID, user_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Remove a co-host or the invitation (host only); their powers end at once."""
    await run_sync(co_host_remove, actor=caller, event_id=event_id, user_id=user_id)
    return ok(None, "Co-host removed")
