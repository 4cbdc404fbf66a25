"""Apple Wallet: a ticket's `.pkpass` (designed API) and Apple's pass web service (unversioned, no envelope).

The web service is the protocol Wallet on a device speaks (developer.apple.com, "Adding a web service to update
passes"): register and unregister a device for a pass, list the device's passes changed since a tag, fetch the
latest pass, report errors. Calls about one pass carry `Authorization: ApplePass <token>` (401 otherwise).
"""

from __future__ import annotations

import uuid
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any

from fastapi import Header, Path, Query
from fastapi.responses import JSONResponse, Response

from loopin.core.auth import UngatedUser
from loopin.core.envelope import error_responses
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.wallet import selectors, services
from loopin.wallet.pkpass import CONTENT_TYPE
from loopin.wallet.schemas import LogIn, RegistrationIn, SerialsOut
from loopin.wallet.selectors import PassFile

tickets = APIRouter(prefix="/api/v2/tickets", tags=["wallet"])
web_service = APIRouter(prefix="/api/wallet/v1", tags=["wallet"])

PASS_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The signed pass (a zip)", "content": {CONTENT_TYPE: {}}},
}
DeviceId = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._-]+$")]
PassType = Annotated[str, Path(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9._-]+$")]
Serial = Annotated[str, Path(min_length=1, max_length=64)]
ApplePassAuth = Annotated[str | None, Header(alias="Authorization", description="ApplePass <token>")]


def _pass_response(file: PassFile, *, download: bool) -> Response:
    headers = {"Last-Modified": format_datetime(file.updated_at, usegmt=True), "Cache-Control": "private, no-cache"}
    if download:
        headers["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return Response(file.content, media_type=CONTENT_TYPE, headers=headers)


@tickets.get(
    "/{ticket_id}/wallet.pkpass",
    response_model=None,
    responses={**PASS_RESPONSES, **error_responses(401, 404, 409, 503)},
)
async def ticket_pass(ticket_id: uuid.UUID, caller: UngatedUser) -> Response:
    """The caller's ticket as an Apple Wallet pass (updated on the phone when the event changes)."""
    file = await run_sync(services.wallet_pass_download, user=caller, ticket_id=ticket_id)
    return _pass_response(file, download=True)


@web_service.post(
    "/devices/{device_library_identifier}/registrations/{pass_type_identifier}/{serial_number}",
    response_model=None,
    response_class=Response,
    status_code=201,
    responses={
        200: {"description": "Already registered"},
        201: {"description": "Registered"},
        **error_responses(401, 422),
    },  # fmt: skip
)
async def register_device(
    device_library_identifier: DeviceId,
    pass_type_identifier: PassType,
    serial_number: Serial,
    body: RegistrationIn,
    authorization: ApplePassAuth = None,
) -> Response:
    """A device asks to be pushed when this pass changes (201 new, 200 already registered)."""
    created = await run_sync(
        services.wallet_device_register,
        device_library_identifier=device_library_identifier,
        pass_type_identifier=pass_type_identifier,
        serial_number=serial_number,
        authorization=authorization,
        push_token=body.pushToken,
    )
    return Response(status_code=201 if created else 200)


@web_service.delete(
    "/devices/{device_library_identifier}/registrations/{pass_type_identifier}/{serial_number}",
    response_model=None,
    response_class=Response,
    responses={200: {"description": "Unregistered"}, **error_responses(401, 422)},
)
async def unregister_device(
    device_library_identifier: DeviceId,
    pass_type_identifier: PassType,
    serial_number: Serial,
    authorization: ApplePassAuth = None,
) -> Response:
    """The pass was removed from the device: no more pushes for it."""
    await run_sync(
        services.wallet_device_unregister,
        device_library_identifier=device_library_identifier,
        pass_type_identifier=pass_type_identifier,
        serial_number=serial_number,
        authorization=authorization,
    )
    return Response(status_code=200)


@web_service.get(
    "/devices/{device_library_identifier}/registrations/{pass_type_identifier}",
    response_model=SerialsOut,
    responses={204: {"description": "No pass changed"}, **error_responses(400, 422)},
)
async def updated_serials(
    device_library_identifier: DeviceId,
    pass_type_identifier: PassType,
    passesUpdatedSince: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """The device's passes of this type changed since the tag it was given last (all without one)."""
    found = await run_sync(
        selectors.wallet_serials_updated,
        device_library_identifier=device_library_identifier,
        pass_type_identifier=pass_type_identifier,
        since=passesUpdatedSince,
    )
    return Response(status_code=204) if found is None else JSONResponse(found)


@web_service.get(
    "/passes/{pass_type_identifier}/{serial_number}",
    response_model=None,
    response_class=Response,
    responses={
        **PASS_RESPONSES,
        304: {"description": "Not changed since If-Modified-Since"},
        **error_responses(401, 422, 503),
    },  # fmt: skip
)
async def latest_pass(
    pass_type_identifier: PassType,
    serial_number: Serial,
    authorization: ApplePassAuth = None,
    if_modified_since: Annotated[str | None, Header(max_length=64)] = None,
) -> Response:
    """The pass as it is now (304 when unchanged since If-Modified-Since)."""
    try:
        since = parsedate_to_datetime(if_modified_since) if if_modified_since else None
    except (TypeError, ValueError):
        since = None  # an unreadable date: answer with the pass
    if since is not None and since.tzinfo is None:
        since = None
    file = await run_sync(
        selectors.wallet_pass_latest,
        pass_type_identifier=pass_type_identifier,
        serial_number=serial_number,
        authorization=authorization,
        if_modified_since=since,
    )
    return Response(status_code=304) if file is None else _pass_response(file, download=False)


@web_service.post(
    "/log",
    response_model=None,
    response_class=Response,
    responses={200: {"description": "Logged"}, **error_responses(422)},
)
async def device_log(body: LogIn) -> Response:
    """Errors a device met with our passes (logged for us to read)."""
    await run_sync(services.wallet_device_log, messages=body.logs)
    return Response(status_code=200)


routers = [tickets, web_service]
