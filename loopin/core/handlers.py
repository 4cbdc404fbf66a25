"""Every error becomes the contract's envelope here, and only here."""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from loopin.core.envelope import error_body
from loopin.core.error_codes import CoreErrorCode
from loopin.core.errors import LoopinError
from loopin.core.routing import printable

BODY_PARSE_ERROR = "There was an error parsing the body"
_HTTP_CODES = {
    400: CoreErrorCode.BAD_REQUEST,
    401: CoreErrorCode.NOT_AUTHENTICATED,
    403: CoreErrorCode.FORBIDDEN,
    404: CoreErrorCode.NOT_FOUND,
    405: CoreErrorCode.METHOD_NOT_ALLOWED,
    406: CoreErrorCode.NOT_ACCEPTABLE,
    409: CoreErrorCode.CONFLICT,
    413: CoreErrorCode.PAYLOAD_TOO_LARGE,
    415: CoreErrorCode.UNSUPPORTED_MEDIA_TYPE,
    429: CoreErrorCode.RATE_LIMITED,
}


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [printable(str(p)) for p in loc]  # a client's key may hold control characters: never echo them
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def validation_fields(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    fields = []
    for err in errors:
        kind = err.get("type", "invalid")
        message = err.get("msg", "Invalid value")
        if kind == "json_invalid":
            # FastAPI's own "JSON decode error" says less than the parser's (core.routing) reasons.
            reason = message if message.startswith("The ") else "The body is not valid JSON."
            fields.append({"field": "body", "code": "INVALID_JSON", "message": reason})
            continue
        message = message.removeprefix("Value error, ")
        fields.append({"field": _field_name(tuple(err.get("loc", ()))), "code": kind.upper(), "message": message})
    return fields


def is_app_dialect(path: str) -> bool:
    """The existing mobile app's dialect: `/api/...` outside `/api/v2` (CLIENT.md)."""
    return path.startswith("/api/") and not path.startswith("/api/v2/") and path != "/api/v2"


def _body(request: Request, message: str, code: str, details: dict[str, Any] | None) -> dict[str, Any]:
    """The contract's error body; the app's dialect adds the sentence where the app reads it (`detail`,
    `message`). For invalid input `detail` is FastAPI's list of `{loc, msg, type}`, which the app reads
    as `detail[0].msg` on its raw-HTTP calls."""
    body = error_body(message, code, details)
    if is_app_dialect(request.url.path):
        fields = (details or {}).get("fields") if code == CoreErrorCode.VALIDATION_ERROR else None
        body["detail"] = (
            [{"loc": f["field"].split("."), "msg": f["message"], "type": f["code"]} for f in fields]
            if isinstance(fields, list) and fields
            else message
        )
        body["message"] = message
    return body


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoopinError)
    async def _loopin(request: Request, exc: LoopinError) -> JSONResponse:
        return JSONResponse(
            _body(request, exc.message, exc.code, exc.details), status_code=exc.status, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = validation_fields(list(exc.errors()))
        message = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:3])
        return JSONResponse(
            _body(request, f"Invalid input. {message}", CoreErrorCode.VALIDATION_ERROR, {"fields": fields}),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # Starlette/FastAPI raise 400 only when they cannot parse the body (bad UTF-8, a broken
            # multipart, too many files or fields): invalid input, answered like any other (422).
            detail = exc.detail if isinstance(exc.detail, str) and exc.detail != BODY_PARSE_ERROR else ""
            reason = detail or "The body could not be parsed."
            fields = [{"field": "body", "code": "INVALID_BODY", "message": reason}]
            return JSONResponse(
                _body(request, f"Invalid input. {reason}", CoreErrorCode.VALIDATION_ERROR, {"fields": fields}),
                status_code=422,
            )
        code = _HTTP_CODES.get(exc.status_code, CoreErrorCode.HTTP_ERROR)
        message = exc.detail if isinstance(exc.detail, str) else "Request failed."
        if exc.status_code == 404 and message == "Not Found":
            message = "No such endpoint."
        if exc.status_code == 405:
            message = "This method is not allowed on this endpoint."
        return JSONResponse(
            _body(request, message, code, None), status_code=exc.status_code, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def _database_down(request: Request, exc: DatabaseError) -> JSONResponse:
        return JSONResponse(
            _body(
                request,
                "The database is unavailable. Try again shortly.",
                CoreErrorCode.DATABASE_UNAVAILABLE,
                {"dependency": "database"},
            ),
            status_code=503,
            headers={"Retry-After": "5"},
        )
