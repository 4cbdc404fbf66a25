"""Door HTTP API: scans, offline batches, keys, revocations, staff, search, stats; the attendee's QR.

Every `/api/v2/events/{event_id}/…` call here is for the event's host, its co-hosts and its door staff only (403
NOT_DOOR_STAFF for everyone else); door staff and door settings are the host's and co-hosts', key rotation the host's.
"""

from __future__ import annotations

import io
import uuid
from typing import Annotated, Any, Literal

import segno
from fastapi import Query
from fastapi.responses import Response

from loopin.accounts.models import User
from loopin.core.auth import CurrentUser, UngatedUser
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, ok
from loopin.core.errors import ValidationFailed
from loopin.core.pagination import PageParams, run_page
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.core.time import ApiTime
from loopin.tickets import door, selectors, staff_reads
from loopin.tickets.holder_api import routers as holder_routers
from loopin.tickets.models import ScanResult
from loopin.tickets.schemas import (
    BatchIn,
    BatchOut,
    DoorSettingsIn,
    DoorSettingsOut,
    KeyOut,
    QrTokenOut,
    RevokedOut,
    RotateIn,
    ScanIn,
    ScanLogOut,
    ScanOut,
    ScanStatus,
    SearchHitOut,
    StaffIn,
    StaffOut,
    StatsOut,
)

checkin = APIRouter(prefix="/api/v2/events", tags=["check-in"])
my_tickets = APIRouter(prefix="/api/v2/me/tickets", tags=["me"])

DOOR_ERRORS = error_responses(401, 403, 404, 422)


@checkin.post(
    "/{event_id}/check-in", response_model=Envelope[ScanOut], responses=error_responses(401, 403, 404, 409, 422)
)
async def scan(event_id: uuid.UUID, body: ScanIn, caller: CurrentUser) -> dict[str, Any]:
    """Scan a ticket (QR or short code) for entry or exit; the same nonce returns the same answer."""
    data = door.ScanIn(
        nonce=body.nonce,
        direction=body.direction,
        qr=body.qr,
        code=body.code,
        scanned_at=body.scanned_at,
        device_id=body.device_id,
    )
    result = await run_sync(door.checkin_scan, actor=caller, event_id=event_id, scan=data)
    return ok(result, result["message"])


@checkin.post(
    "/{event_id}/check-in/batch", response_model=Envelope[BatchOut], responses=error_responses(401, 403, 404, 409, 422)
)
async def scan_batch(event_id: uuid.UUID, body: BatchIn, caller: CurrentUser) -> dict[str, Any]:
    """Upload scans made offline: applied in time order, one result each; duplicate admissions are flagged."""
    scans = [
        door.ScanIn(
            nonce=s.nonce,
            direction=s.direction,
            qr=s.qr,
            code=s.code,
            scanned_at=s.scanned_at,
            device_id=body.device_id,
        )
        for s in body.scans
    ]
    results = await run_sync(door.checkin_batch, actor=caller, event_id=event_id, scans=scans)
    summary = {
        "results": results,
        "applied": len(results),
        "ok": sum(r["status"] == ScanResult.OK for r in results),
        "duplicates": sum(r["duplicate"] for r in results),
        "failed": sum(r["status"] != ScanResult.OK for r in results),
    }
    return ok(summary, "Offline scans applied")


@checkin.get("/{event_id}/check-in/keys", response_model=Envelope[list[KeyOut]], responses=DOOR_ERRORS)
async def keys(event_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """The event's public keys for verifying QR codes offline."""
    return ok(await run_sync(selectors.checkin_keys, user=caller, event_id=event_id), "Check-in keys")


# The one idiom (issue 20): a write answered with what it wrote calls one of these in its one `run_sync`.


def checkin_key_rotate_and_read(*, host: Any, event_id: uuid.UUID, retire_previous: bool) -> dict[str, Any]:
    """Start signing with a new key, then read it back."""
    return selectors.key_out(door.checkin_key_rotate(host=host, event_id=event_id, retire_previous=retire_previous))


def door_settings_update_and_read(*, user: User, event_id: uuid.UUID, changes: dict[str, Any]) -> dict[str, Any]:
    """Change the door rules (only the fields given), then read them back."""
    door.door_settings_update(actor=user, event_id=event_id, **changes)
    return selectors.door_settings_out(user=user, event_id=event_id)


def door_staff_add_and_read(
    *, host: Any, event_id: uuid.UUID, user_id: uuid.UUID | None, phone: str | None
) -> dict[str, Any]:
    """Add door staff, then read them back."""
    return selectors.staff_out(door.door_staff_add(host=host, event_id=event_id, user_id=user_id, phone=phone))


@checkin.post("/{event_id}/check-in/keys/rotate", response_model=Envelope[KeyOut], responses=DOOR_ERRORS)
async def keys_rotate(event_id: uuid.UUID, caller: CurrentUser, body: RotateIn | None = None) -> dict[str, Any]:
    """Start signing with a new key (host only); old codes verify until their key is retired."""

    retire = body.retire_previous if body else False
    return ok(
        await run_sync(checkin_key_rotate_and_read, host=caller, event_id=event_id, retire_previous=retire),
        "Key rotated",
    )


@checkin.get("/{event_id}/check-in/revoked", response_model=Envelope[RevokedOut], responses=DOOR_ERRORS)
async def revoked(
    event_id: uuid.UUID,
    caller: CurrentUser,
    since: Annotated[ApiTime | None, Query(description="Only tickets revoked at or after this time")] = None,
) -> dict[str, Any]:
    """Cancelled and refunded tickets and retired keys, for scanners working offline."""
    return ok(await run_sync(selectors.checkin_revoked, user=caller, event_id=event_id, since=since), "Revocations")


@checkin.get("/{event_id}/check-in/settings", response_model=Envelope[DoorSettingsOut], responses=DOOR_ERRORS)
async def settings_get(event_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """The event's door rules."""
    return ok(await run_sync(selectors.door_settings_out, user=caller, event_id=event_id), "Door settings")


@checkin.put("/{event_id}/check-in/settings", response_model=Envelope[DoorSettingsOut], responses=DOOR_ERRORS)
async def settings_put(event_id: uuid.UUID, body: DoorSettingsIn, caller: CurrentUser) -> dict[str, Any]:
    """Change the door rules: re-entry after exit, when check-in opens (host only)."""

    changes = body.model_dump(exclude_unset=True)
    return ok(
        await run_sync(door_settings_update_and_read, user=caller, event_id=event_id, changes=changes),
        "Door settings saved",
    )


@checkin.get("/{event_id}/check-in/search", response_model=Envelope[list[SearchHitOut]], responses=DOOR_ERRORS)
async def search(
    event_id: uuid.UUID,
    caller: CurrentUser,
    q: Annotated[str, Query(min_length=2, max_length=100, description="Part of the name, or the phone's last digits")],
) -> dict[str, Any]:
    """Find attendees for manual check-in (then scan their `code`)."""
    return ok(await run_sync(selectors.attendee_search, user=caller, event_id=event_id, q=q), "Attendees")


@checkin.get("/{event_id}/check-in/scans", response_model=ListEnvelope[ScanLogOut], responses=DOOR_ERRORS)
async def scans(
    event_id: uuid.UUID,
    page: PageParams,
    caller: CurrentUser,
    result: Annotated[ScanStatus | None, Query(description="Only scans with this answer")] = None,
) -> dict[str, Any]:
    """Every scan of the event, newest first, failed ones too: who, which device, what answer."""
    return await run_page(selectors.scan_log, page, "Scans", user=caller, event_id=event_id, result=result)


@checkin.get("/{event_id}/check-in/stats", response_model=Envelope[StatsOut], responses=DOOR_ERRORS)
async def stats(event_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Expected, checked in, inside now, no-shows, and entries/exits per quarter hour."""
    return ok(await run_sync(selectors.checkin_stats, user=caller, event_id=event_id), "Check-in stats")


@checkin.get("/{event_id}/staff", response_model=Envelope[list[StaffOut]], responses=DOOR_ERRORS)
async def staff_list(event_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """The event's door staff (host only)."""
    return ok(await run_sync(staff_reads.door_staff_list_and_audit, user=caller, event_id=event_id), "Door staff")


@checkin.post("/{event_id}/staff", response_model=Envelope[StaffOut], status_code=201, responses=DOOR_ERRORS)
async def staff_add(event_id: uuid.UUID, body: StaffIn, caller: CurrentUser) -> dict[str, Any]:
    """Add door staff by user id or phone number (host only); adding someone twice changes nothing."""

    staff = await run_sync(
        door_staff_add_and_read, host=caller, event_id=event_id, user_id=body.user_id, phone=body.phone_number
    )
    return ok(staff, "Door staff added")


@checkin.delete("/{event_id}/staff", response_model=Envelope[None], responses=DOOR_ERRORS)
async def staff_remove_by_query(
    event_id: uuid.UUID,
    caller: CurrentUser,
    user_id: uuid.UUID | None = None,
    phone_number: Annotated[str | None, Query(max_length=32)] = None,
) -> dict[str, Any]:
    """Remove door staff named by `user_id` or `phone_number` (host only)."""
    if (user_id is None) == (not phone_number):
        raise ValidationFailed.one("user_id", "one_of", "Send exactly one of user_id or phone_number.")
    await run_sync(door.door_staff_remove, host=caller, event_id=event_id, user_id=user_id, phone=phone_number)
    return ok(None, "Door staff removed")


@checkin.delete("/{event_id}/staff/{user_id}", response_model=Envelope[None], responses=DOOR_ERRORS)
async def staff_remove(event_id: uuid.UUID, user_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Remove door staff (host only)."""
    await run_sync(door.door_staff_remove, host=caller, event_id=event_id, user_id=user_id)
    return ok(None, "Door staff removed")


QR_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The QR code as PNG or SVG, or the token in the envelope (`format=token`)",
        "content": {"image/png": {}, "image/svg+xml": {}, "application/json": {"schema": {}}},
    },
    **error_responses(401, 404, 409, 422),
}


@my_tickets.get("/{ticket_id}/qr", responses=QR_RESPONSES, response_model=None)
async def ticket_qr(
    ticket_id: uuid.UUID,
    caller: UngatedUser,
    format: Annotated[Literal["png", "svg", "token"], Query(description="png, svg or token")] = "png",
    scale: Annotated[int, Query(ge=1, le=20)] = 8,
) -> Response | dict[str, Any]:
    """The caller's ticket as a signed QR code to show at the door."""
    data = await run_sync(selectors.my_ticket_token, user=caller, ticket_id=ticket_id)
    if format == "token":
        return ok(QrTokenOut(**data).model_dump(mode="json"), "Your ticket code")
    qr = segno.make(data["token"], error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind=format, scale=scale, border=4)
    media = "image/png" if format == "png" else "image/svg+xml"
    return Response(buffer.getvalue(), media_type=media, headers={"Cache-Control": "private, no-store"})


routers = [checkin, my_tickets, *holder_routers]
