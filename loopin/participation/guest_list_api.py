"""The guest list as a file and a guest list brought in from a CSV of phone numbers (host, co-hosts, staff with
the permissions). Mounted on the events prefix (`/api/v2/events/{event_id}/guests...`)."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from loopin.accounts.models import User
from loopin.core.auth import CurrentUser, request_ip
from loopin.core.envelope import Envelope, error_responses, ok
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.events.schemas import DisplayTime
from loopin.participation.guest_list import (
    MAX_IMPORT_BYTES,
    XLSX_MEDIA,
    GuestFile,
    ImportPreview,
    guest_import_confirm,
    guest_import_preview,
    guest_list_export,
)

router = APIRouter(prefix="/api/v2/events", tags=["guest list"])
ANY_ERROR = (400, 401, 403, 404, 409, 422)
FileFormat = Literal["csv", "xlsx"]
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The guest list: a row per ticket, a column per checkout question",
        "content": {"text/csv": {}, XLSX_MEDIA: {}},
    },
    **error_responses(400, 401, 403, 404, 422),
}
ImportRowError = Literal[
    "invalid_number", "duplicate_in_file", "own_number", "has_ticket", "already_invited", "blocked"
]


class ImportRowOut(BaseModel):
    row: int = Field(description="The line in the file (1 is the first)")
    phone: str | None = Field(description="The number in E.164, or null when it is not a phone number")
    name: str
    ok: bool
    error: ImportRowError | None


class ImportPreviewOut(BaseModel):
    token: str = Field(description="Confirm with it within 30 minutes")
    expires_at: DisplayTime
    valid: int
    rows: list[ImportRowOut]


class ImportConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=8, max_length=64)


class ImportResultOut(BaseModel):
    invited: int = Field(description="Numbers invited (an SMS or an in-app invitation, by the usual rules)")


def _file(guest_file: GuestFile) -> Response:
    return Response(
        guest_file.content,
        media_type=guest_file.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{guest_file.filename}"',
            "Cache-Control": "private, no-store",
        },
    )


async def _export(event_id: uuid.UUID, caller: Any, file_format: str) -> Response:
    guest_file = await run_sync(guest_list_export, user=caller, event_id=event_id, file_format=file_format)
    return _file(guest_file)


@router.get("/{event_id}/guests.csv", response_model=None, responses=FILE_RESPONSES)
async def guests_csv(event_id: uuid.UUID, caller: CurrentUser) -> Response:
    """The guest list as CSV (phone numbers only to whom they are visible); the export is audited."""
    return await _export(event_id, caller, "csv")


@router.get("/{event_id}/guests.xlsx", response_model=None, responses=FILE_RESPONSES)
async def guests_xlsx(event_id: uuid.UUID, caller: CurrentUser) -> Response:
    """The guest list as an Excel workbook (phone numbers only to whom they are visible); audited."""
    return await _export(event_id, caller, "xlsx")


@router.get("/{event_id}/guests/export", response_model=None, responses=FILE_RESPONSES)
async def guests_export(
    event_id: uuid.UUID,
    caller: CurrentUser,
    format: Annotated[FileFormat, Query(description="csv or xlsx")] = "csv",
) -> Response:
    """The guest list as CSV or XLSX (`format`)."""
    return await _export(event_id, caller, format)


def _preview_out(preview: ImportPreview) -> dict[str, Any]:
    rows = [{**asdict(r), "ok": r.ok} for r in preview.rows]
    return {"token": preview.token, "expires_at": preview.expires_at, "valid": preview.valid, "rows": rows}


def _preview(*, user: User, event_id: uuid.UUID, content: bytes, message: str) -> dict[str, Any]:
    return _preview_out(guest_import_preview(host=user, event_id=event_id, content=content, message=message))


@router.post(
    "/{event_id}/guests/import",
    response_model=Envelope[ImportPreviewOut],
    responses=error_responses(*ANY_ERROR, 413),
)
async def guests_import_preview(
    event_id: uuid.UUID,
    caller: CurrentUser,
    file: Annotated[UploadFile, File(description="CSV UTF-8: phone numbers, one a row; optional name column")],
    message: Annotated[str, Form(max_length=2000)] = "",
) -> dict[str, Any]:
    """Preview a guest-list import: each row's E.164 number or why it would not be invited. Nothing is sent."""
    content = await file.read(MAX_IMPORT_BYTES + 1)
    data = await run_sync(_preview, user=caller, event_id=event_id, content=content, message=message)
    return ok(data, f"{data['valid']} of {len(data['rows'])} numbers can be invited")


@router.post(
    "/{event_id}/guests/import/confirm",
    response_model=Envelope[ImportResultOut],
    responses=error_responses(*ANY_ERROR, 429),
)
async def guests_import_confirm(
    event_id: uuid.UUID, body: ImportConfirmIn, caller: CurrentUser, request: Request
) -> dict[str, Any]:
    """Invite the preview's valid numbers in one go (a retry answers the same and invites nobody twice)."""
    result = await run_sync(
        guest_import_confirm, host=caller, event_id=event_id, token=body.token, ip=request_ip(request)
    )
    return ok(result.as_dict(), f"{result.invited} invited")
