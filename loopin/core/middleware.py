"""Pure ASGI middleware: request id and access log, body limits, and a thread context per request."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

import structlog
from asgiref.sync import ThreadSensitiveContext
from starlette.exceptions import HTTPException as StarletteHTTPException

from loopin.core.envelope import error_body
from loopin.core.error_codes import CoreErrorCode
from loopin.core.links import bind_request_origin
from loopin.core.logging import loggable_path
from loopin.core.net import client_ip
from loopin.core.settings import get_settings
from loopin.core.sync import close_after, executor_pool, request_db

log = structlog.get_logger("loopin.request")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._\-]{1,128}$")


class BodyTooLarge(StarletteHTTPException):
    """Raised from `receive`; an HTTPException so body parsers re-raise it instead of answering 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes.")
        self.limit = limit


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


async def send_json(send: Any, status: int, body: dict, headers: list[tuple[bytes, bytes]]) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class RequestMiddleware:
    """X-Request-ID on every response, one JSON log line per request, 413 for oversized bodies,
    and a 500 envelope (with the request id, without a stack trace) for anything unexpected."""

    def __init__(self, app: Any) -> None:
        self.app = app
        settings = get_settings()
        self.max_body = settings.MAX_BODY_BYTES
        self.max_upload = settings.MAX_UPLOAD_BYTES

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        scope["state"]["client_ip"] = client_ip(scope)
        bind_request_origin(scope)
        id_header = (b"x-request-id", request_id.encode())
        # No answer of ours is ever meant to be content-sniffed into something else (HTML, script).
        nosniff = (b"x-content-type-options", b"nosniff")
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status_holder = {"status": 500, "started": False}

        content_type = (_header(scope, b"content-type") or "").lower()
        limit = self.max_upload if content_type.startswith("multipart/form-data") else self.max_body

        async def send_wrapper(message: dict) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = True
                headers = [*message.get("headers", []), id_header]
                if not any(key.lower() == b"x-content-type-options" for key, _ in headers):
                    headers.append(nosniff)
                message["headers"] = headers
            await send(message)

        received = 0

        async def receive_wrapper() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        try:
            declared = _header(scope, b"content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise BodyTooLarge(limit)
            await self.app(scope, receive_wrapper, send_wrapper)
        except BodyTooLarge as exc:
            if not status_holder["started"]:
                await send_json(send_wrapper, 413, error_body(exc.detail, CoreErrorCode.PAYLOAD_TOO_LARGE, None), [])
        except Exception:
            log.exception("unhandled_error", method=scope["method"], path=loggable_path(scope["path"]))
            if not status_holder["started"]:
                await send_json(
                    send_wrapper,
                    500,
                    error_body(
                        "Something went wrong on our side. Quote the request id if you contact support.",
                        CoreErrorCode.INTERNAL_ERROR,
                        {"request_id": request_id},
                    ),
                    [],
                )
        finally:
            log.info(
                "request",
                method=scope["method"],
                path=loggable_path(scope["path"]),
                status=status_holder["status"],
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
            )
            structlog.contextvars.unbind_contextvars("request_id")


class DjangoContextMiddleware:
    """Gives each request its own asgiref ThreadSensitiveContext (one worker thread, one DB
    connection) and closes stale connections around it, returning pooled ones after the request. Neither costs a
    thread hop of its own: the request's first `run_sync` closes stale ones before it runs, and the closing after
    is queued on the thread (`core.sync.close_after`); a request that never crossed into sync code does neither."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        executor = executor_pool.acquire()
        used = [False]  # set by the request's first `run_sync`, which closes stale connections first
        token = request_db.set(used)
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.app(scope, receive, send)
        finally:
            request_db.reset(token)
            if used[0]:
                close_after(executor)
            else:
                executor_pool.release(executor)
