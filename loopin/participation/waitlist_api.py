"""The waitlist over HTTP (`/api/v2/events/{event_id}/waitlist`): join a sold-out event or tier, see your place,
leave; the host sees the line. A freed seat is offered (held) to the first in line with a push and an in-app
notification; they confirm or buy it as usual within `offer_expires_at`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from loopin.accounts.models import User
from loopin.core.auth import CurrentUser
from loopin.core.envelope import Envelope, error_responses, ok
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.events.models import WaitlistEntry
from loopin.participation.waitlist import (
    waitlist_entry_mine,
    waitlist_join,
    waitlist_leave,
    waitlist_line,
    waitlist_position,
)

router = APIRouter(prefix="/api/v2/events", tags=["waitlist"])
ANY_ERROR = (400, 401, 403, 404, 409, 422)


class WaitlistIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seats: int = Field(default=1, ge=1, le=10)
    tier_id: uuid.UUID | None = Field(default=None, description="Default: the tier you would be sold")
    unlock_code: str | None = Field(default=None, max_length=64)


class WaitlistEntryOut(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID
    tier_id: uuid.UUID
    tier_name: str
    seats: int
    status: Literal["waiting", "offered", "converted", "expired", "left"]
    position: int | None = Field(description="1 for the first in line; null once not waiting")
    offer_expires_at: datetime | None = Field(description="Offered: confirm or buy before this")
    user_name: str | None = Field(default=None, description="The host's view only")
    created_at: datetime


def _out(entry: WaitlistEntry, position: int | None, *, host_view: bool = False) -> dict[str, Any]:
    return {
        "id": entry.id,
        "event_id": entry.event_id,
        "tier_id": entry.tier_id,
        "tier_name": entry.tier.name,
        "seats": entry.seats,
        "status": entry.status,
        "position": position,
        "offer_expires_at": entry.offer_expires_at,
        "user_name": (entry.user.name or None) if host_view else None,
        "created_at": entry.created_at,
    }


def _join(*, user: User, event_id: uuid.UUID, body: WaitlistIn) -> dict[str, Any]:
    entry = waitlist_join(
        user=user, event_id=event_id, seats=body.seats, tier_id=body.tier_id, unlock_code=body.unlock_code or ""
    )
    return _out(entry, waitlist_position(entry))


def _mine(*, user: User, event_id: uuid.UUID) -> dict[str, Any]:
    return _out(*waitlist_entry_mine(user=user, event_id=event_id))


def _line(*, user: User, event_id: uuid.UUID) -> list[dict[str, Any]]:
    return [_out(entry, place, host_view=True) for entry, place in waitlist_line(host=user, event_id=event_id)]


@router.post(
    "/{event_id}/waitlist", response_model=Envelope[WaitlistEntryOut], status_code=201,
    responses=error_responses(*ANY_ERROR),
)  # fmt: skip
async def waitlist_add(event_id: uuid.UUID, body: WaitlistIn, caller: CurrentUser) -> dict[str, Any]:
    """Join the waitlist of a sold-out event or tier (409 NOT_SOLD_OUT while seats can be had)."""
    return ok(await run_sync(_join, user=caller, event_id=event_id, body=body), "You are on the waitlist")


@router.get("/{event_id}/waitlist/me", response_model=Envelope[WaitlistEntryOut], responses=error_responses(401, 404))
async def waitlist_me(event_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Your place on the waitlist (or your offer and until when it is held)."""
    return ok(await run_sync(_mine, user=caller, event_id=event_id), "Your waitlist place")


@router.delete("/{event_id}/waitlist", response_model=Envelope[None], responses=error_responses(401, 404))
async def waitlist_remove(event_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Leave the waitlist; a seat held for you goes to the next in line."""
    await run_sync(waitlist_leave, user=caller, event_id=event_id)
    return ok(None, "You left the waitlist")


@router.get(
    "/{event_id}/waitlist", response_model=Envelope[list[WaitlistEntryOut]], responses=error_responses(401, 403, 404)
)
async def waitlist_list(event_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """The line, first first, with offers (host and co-hosts)."""
    return ok(await run_sync(_line, user=caller, event_id=event_id), "Waitlist")
