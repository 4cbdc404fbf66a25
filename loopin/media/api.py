"""Media HTTP API: one upload path for every picture and video (multipart, or direct to the bucket)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import File, UploadFile

from loopin.accounts.models import User
from loopin.core.auth import CurrentUser
from loopin.core.envelope import Envelope, error_responses, ok
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.media import selectors, services
from loopin.media.schemas import MediaOut, UploadStartIn, UploadStartOut

router = APIRouter(prefix="/api/v2/media", tags=["media"])


def _uploaded(*, user: User, handle: Any, content_type: str) -> dict[str, Any]:
    return selectors.media_data(services.media_upload(owner=user, handle=handle, content_type=content_type))


@router.post("", response_model=Envelope[MediaOut], status_code=201, responses=error_responses(401, 403, 413, 422))
async def media_upload(
    caller: CurrentUser,
    file: Annotated[UploadFile, File(description="A JPEG/PNG/WebP picture or an MP4/MOV/WebM video")],
) -> dict[str, Any]:
    """Upload a picture or video; the answer's id goes into posts, stories and albums."""
    data = await run_sync(_uploaded, user=caller, handle=file.file, content_type=file.content_type or "")
    return ok(data, "Uploaded" if data["status"] == "ready" else "Uploaded; the video is being processed")


def _started(*, user: User, content_type: str, size_bytes: int) -> dict[str, Any]:
    media, form = services.media_upload_start(owner=user, content_type=content_type, size_bytes=size_bytes)
    return {"media": selectors.media_data(media), "upload": form}


@router.post(
    "/uploads", response_model=Envelope[UploadStartOut], status_code=201, responses=error_responses(401, 403, 409, 422)
)
async def media_upload_start(body: UploadStartIn, caller: CurrentUser) -> dict[str, Any]:
    """Start a direct upload into the bucket (S3 storage only): post the file to `upload.url`, then confirm."""
    data = await run_sync(_started, user=caller, content_type=body.content_type, size_bytes=body.size_bytes)
    return ok(data, "Upload the file, then confirm")


def _confirmed(*, user: User, media_id: uuid.UUID) -> dict[str, Any]:
    return selectors.media_data(services.media_upload_confirm(owner=user, media_id=media_id))


@router.post(
    "/{media_id}/confirm", response_model=Envelope[MediaOut], responses=error_responses(401, 403, 404, 409, 422)
)
async def media_upload_confirm(media_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Say a direct upload has arrived; it is processed like a multipart upload."""
    return ok(await run_sync(_confirmed, user=caller, media_id=media_id), "Upload confirmed")


def _one(*, user: User, media_id: uuid.UUID) -> dict[str, Any]:
    return selectors.media_data(selectors.media_get(owner=user, media_id=media_id))


@router.get("/{media_id}", response_model=Envelope[MediaOut], responses=error_responses(401, 403, 404, 422))
async def media_get(media_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """One of my uploads (poll it while a video is processing)."""
    return ok(await run_sync(_one, user=caller, media_id=media_id))


@router.delete("/{media_id}", response_model=Envelope[None], responses=error_responses(401, 403, 404, 409, 422))
async def media_delete(media_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Delete an upload nothing uses yet."""
    await run_sync(services.media_delete, owner=caller, media_id=media_id)
    return ok(None, "Upload deleted")
