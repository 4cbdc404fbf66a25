"""What the ticket holder carries: the ticket as an .ics file, a calendar feed of all their tickets, and an
"Add to Google Wallet" link."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Header
from fastapi.responses import Response

from loopin.accounts.models import User
from loopin.core.auth import UngatedUser
from loopin.core.envelope import Envelope, error_responses, ok
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.tickets import calendar, google_wallet
from loopin.tickets.schemas import CalendarFeedOut, CalendarFeedStateOut, GoogleWalletOut

tickets = APIRouter(prefix="/api/v2/tickets", tags=["tickets"])
me_feed = APIRouter(prefix="/api/v2/me/calendar-feed", tags=["me"])
feeds = APIRouter(prefix="/api/v2/calendar", tags=["tickets"])

ICS_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "An iCalendar (RFC 5545) file", "content": {"text/calendar": {}}},
}


def _ics(file: calendar.CalendarFile, cache_control: str, disposition: str) -> Response:
    return Response(
        file.body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "ETag": file.etag,
            "Cache-Control": cache_control,
            "Content-Disposition": f'{disposition}; filename="{file.filename}"',
        },
    )


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or etag in tags


@tickets.get(
    "/{ticket_id}/calendar.ics",
    response_model=None,
    responses={**ICS_RESPONSES, **error_responses(401, 404, 422)},
)
async def ticket_calendar(ticket_id: uuid.UUID, caller: UngatedUser) -> Response:
    """The caller's ticket as an .ics file to add to a calendar (STATUS:CANCELLED once cancelled)."""
    file = await run_sync(calendar.my_ticket_calendar, user=caller, ticket_id=ticket_id)
    return _ics(file, "private, no-cache", "attachment")


@tickets.get(
    "/{ticket_id}/google-wallet",
    response_model=Envelope[GoogleWalletOut],
    responses=error_responses(401, 404, 422, 503),
)
async def ticket_google_wallet(ticket_id: uuid.UUID, caller: UngatedUser) -> dict[str, Any]:
    """The caller's ticket as an Add to Google Wallet link (503 GOOGLE_WALLET_NOT_CONFIGURED when not set up)."""
    return ok(await run_sync(google_wallet.my_google_wallet_link, user=caller, ticket_id=ticket_id), "Google Wallet")


@me_feed.get("", response_model=Envelope[CalendarFeedStateOut], responses=error_responses(401))
async def feed_state(caller: UngatedUser) -> dict[str, Any]:
    """Whether the caller has a calendar feed address (the address itself is shown only when made)."""
    return ok(await run_sync(calendar.calendar_feed_state, user=caller), "Calendar feed")


def calendar_feed_rotate_and_read(*, user: User) -> dict[str, Any]:
    """Make a new secret calendar address, then read it back (shown only now)."""
    feed, token = calendar.calendar_feed_rotate(user=user)
    return {**calendar.calendar_feed_urls(token), "created_at": feed.created_at}


@me_feed.post("", response_model=Envelope[CalendarFeedOut], status_code=201, responses=error_responses(401))
async def feed_rotate(caller: UngatedUser) -> dict[str, Any]:
    """Make a new secret address of the caller's ticket calendar; any earlier address stops working."""

    return ok(await run_sync(calendar_feed_rotate_and_read, user=caller), "Calendar feed address made")


@me_feed.delete("", response_model=Envelope[None], responses=error_responses(401))
async def feed_delete(caller: UngatedUser) -> dict[str, Any]:
    """Turn the caller's calendar feed off: its address stops working."""
    await run_sync(calendar.calendar_feed_delete, user=caller)
    return ok(None, "Calendar feed turned off")


@feeds.get(
    "/{token}.ics",
    response_model=None,
    responses={**ICS_RESPONSES, 304: {"description": "Not modified (If-None-Match)"}, **error_responses(404)},
)
async def calendar_feed(
    token: str, if_none_match: Annotated[str | None, Header(include_in_schema=False)] = None
) -> Response:
    """A person's tickets as a calendar to subscribe to (no sign-in: the address is the secret)."""
    file = await run_sync(calendar.calendar_feed_read, token=token)
    cache = f"private, max-age={calendar.FEED_CACHE_SECONDS}"
    if _etag_matches(if_none_match, file.etag):
        return Response(status_code=304, headers={"ETag": file.etag, "Cache-Control": cache})
    return _ics(file, cache, "inline")


routers = [tickets, me_feed, feeds]
