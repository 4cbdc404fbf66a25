"""Calls over HTTP: ICE servers (STUN/TURN credentials) before a call, and the call history after.
Placing and answering calls happens on the socket (docs/CALLS.md)."""

from __future__ import annotations

from typing import Any

from loopin.calls import ice, schemas, selectors, services
from loopin.core.auth import CurrentUser
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, ok
from loopin.core.pagination import PageParams, run_page
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync

router = APIRouter(prefix="/api/v2/calls", tags=["calls"])


@router.get("", response_model=ListEnvelope[schemas.CallOut], responses=error_responses(401, 403, 422, 429))
async def call_history(page: PageParams, caller: CurrentUser) -> dict[str, Any]:
    """The caller's calls, placed and received, newest first."""
    return await run_page(selectors.calls_history, page, "Calls", user=caller)


@router.get("/ice-servers", response_model=Envelope[schemas.IceServersOut], responses=error_responses(401, 403, 429))
async def ice_servers(caller: CurrentUser) -> dict[str, Any]:
    """STUN and TURN servers for a call, with TURN credentials valid for CALLS_TURN_TTL_SECONDS (coturn REST API)."""
    return ok(await run_sync(ice.ice_servers, user=caller), "ICE servers")


@router.get("/missed", response_model=Envelope[schemas.MissedOut], responses=error_responses(401, 403, 429))
async def missed_count(caller: CurrentUser) -> dict[str, Any]:
    """How many missed calls the caller has not seen yet (the badge)."""
    return ok({"missed": await run_sync(selectors.missed_calls_unseen, user=caller)}, "Missed calls")


@router.post("/missed/seen", response_model=Envelope[schemas.MarkedOut], responses=error_responses(401, 403, 429))
async def missed_seen(caller: CurrentUser) -> dict[str, Any]:
    """The caller has seen their missed calls: the badge goes to zero."""
    return ok({"marked": await run_sync(services.missed_calls_mark_seen, user=caller)}, "Marked seen")


routers = [router]
