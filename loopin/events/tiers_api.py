"""Ticket tiers over HTTP: buyers list what they can buy (hidden tiers with an unlock code); hosts add, change
and remove tiers. Mounted on the events router's prefix (`/api/v2/events/{event_id}/tiers`)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from fastapi import Query

from loopin.core.auth import CurrentUser, OptionalUser
from loopin.core.envelope import Envelope, error_responses, ok
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.events.selectors.access import can_manage, event_for
from loopin.events.selectors.tiers import tiers_for
from loopin.events.services.tiers import TierInput, tier_create, tier_delete, tier_update
from loopin.events.tier_schemas import TierIn, TierOut, TierUpdateIn
from loopin.events.tiers import tiers_unlocked

if TYPE_CHECKING:
    from loopin.accounts.models import User

router = APIRouter(prefix="/api/v2/events", tags=["ticket tiers"])
ANY_ERROR = (400, 401, 403, 404, 409, 422)


def _input(body: TierIn | TierUpdateIn) -> TierInput:
    given = body.model_dump(exclude_unset=True)
    return TierInput(**given, given=set(given))


def _list(*, user: User | None, event_id: uuid.UUID, unlock_code: str | None) -> list[TierOut]:
    event = event_for(user, event_id)
    manager = user is not None and can_manage(user, event)
    return tiers_for(event, manager=manager, unlocked_ids=set(tiers_unlocked(event.id, unlock_code)))


def tier_create_and_read(*, user: User, event_id: uuid.UUID, data: TierInput) -> TierOut:
    """Add a tier, then read it back as its host sees it."""
    tier = tier_create(actor=user, event_id=event_id, data=data)
    return TierOut.from_model(tier, event_for(user, event_id), unlocked=True, manager=True)


def tier_update_and_read(*, user: User, event_id: uuid.UUID, tier_id: uuid.UUID, data: TierInput) -> TierOut:
    """Change a tier, then read it back as its host sees it."""
    tier = tier_update(actor=user, event_id=event_id, tier_id=tier_id, data=data)
    return TierOut.from_model(tier, event_for(user, event_id), unlocked=True, manager=True)


@router.get("/{event_id}/tiers", response_model=Envelope[list[TierOut]], responses=error_responses(404, 422))
async def tiers_list(
    event_id: uuid.UUID,
    caller: OptionalUser,
    unlock_code: str | None = Query(default=None, max_length=64, description="Reveals hidden tiers"),
) -> dict[str, Any]:
    """The event's ticket tiers with their state: public ones, hidden ones the code unlocks; every one to the host."""
    return ok(await run_sync(_list, user=caller, event_id=event_id, unlock_code=unlock_code), "Ticket tiers")


@router.post(
    "/{event_id}/tiers", response_model=Envelope[TierOut], status_code=201, responses=error_responses(*ANY_ERROR)
)
async def tiers_create(event_id: uuid.UUID, body: TierIn, caller: CurrentUser) -> dict[str, Any]:
    """Add a ticket tier (host)."""
    data = await run_sync(tier_create_and_read, user=caller, event_id=event_id, data=_input(body))
    return ok(data, "Tier added")


@router.patch("/{event_id}/tiers/{tier_id}", response_model=Envelope[TierOut], responses=error_responses(*ANY_ERROR))
async def tiers_update(
    event_id: uuid.UUID, tier_id: uuid.UUID, body: TierUpdateIn, caller: CurrentUser
) -> dict[str, Any]:
    """Change a tier (host); the price only while none of its seats are taken (400 PRICE_LOCKED)."""
    data = await run_sync(tier_update_and_read, user=caller, event_id=event_id, tier_id=tier_id, data=_input(body))
    return ok(data, "Tier updated")


@router.delete("/{event_id}/tiers/{tier_id}", response_model=Envelope[None], responses=error_responses(*ANY_ERROR))
async def tiers_delete(event_id: uuid.UUID, tier_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Remove a tier nobody bought (409 TIER_HAS_SALES otherwise: hide it or end its sales)."""
    await run_sync(tier_delete, actor=caller, event_id=event_id, tier_id=tier_id)
    return ok(None, "Tier removed")
