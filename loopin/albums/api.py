"""Event albums HTTP API (under the event: /api/v2/events/{event_id}/album)."""

from __future__ import annotations

import uuid
from typing import Any

from loopin.accounts.models import User
from loopin.albums import selectors, services
from loopin.albums.schemas import AlbumAddIn, AlbumPhotoOut, AlbumSettingsIn, AlbumSettingsOut
from loopin.core.auth import CurrentUser
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, ok
from loopin.core.pagination import PageParams, run_page
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync

router = APIRouter(prefix="/api/v2/events/{event_id}/album", tags=["albums"])
ERRORS = (401, 403, 404, 422)


def album_add_and_read(
    *, user: User, event_id: uuid.UUID, media_ids: list[uuid.UUID]
) -> tuple[list[dict[str, Any]], int]:
    """Add pictures, then read the album's first page (what the endpoint answers with)."""
    services.album_add(author=user, event_id=event_id, media_ids=media_ids)
    return selectors.album_photos(viewer=user, event_id=event_id, offset=0, limit=20)


@router.get("", response_model=ListEnvelope[AlbumPhotoOut], responses=error_responses(*ERRORS))
async def album_photos(event_id: uuid.UUID, caller: CurrentUser, page: PageParams) -> dict[str, Any]:
    """The event's album, newest first (host and attendees; anyone when public)."""
    return await run_page(selectors.album_photos, page, "OK", viewer=caller, event_id=event_id)


@router.post("", response_model=ListEnvelope[AlbumPhotoOut], status_code=201, responses=error_responses(*ERRORS))
async def album_add(event_id: uuid.UUID, body: AlbumAddIn, caller: CurrentUser) -> dict[str, Any]:
    """Add pictures (the host, or an attendee who was checked in); answers the album's first page."""

    items, total = await run_sync(album_add_and_read, user=caller, event_id=event_id, media_ids=body.media_ids)
    return {
        "success": True,
        "message": "Photos added",
        "data": items,
        "meta": {"total": total, "offset": 0, "limit": 20},
    }


@router.put("/settings", response_model=Envelope[AlbumSettingsOut], responses=error_responses(*ERRORS))
async def album_settings(event_id: uuid.UUID, body: AlbumSettingsIn, caller: CurrentUser) -> dict[str, Any]:
    """The host makes the album public or attendees-only."""
    result = await run_sync(services.album_set_public, host=caller, event_id=event_id, is_public=body.is_public)
    return ok({"is_public": result.is_public}, "Album updated")


@router.delete("/{photo_id}", response_model=Envelope[None], responses=error_responses(*ERRORS))
async def album_remove(event_id: uuid.UUID, photo_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Remove a photo (the host: any; an author: their own)."""
    await run_sync(services.album_remove, actor=caller, event_id=event_id, photo_id=photo_id)
    return ok(None, "Photo removed")
