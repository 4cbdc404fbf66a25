"""The Socket.IO server (python-socketio AsyncServer), its handshake and the `handler` decorator.

Handlers are endpoints: parse the payload with a schema, name the caller from the socket's session, make
one sync call of a service, and ack with the API's envelope. Anything a client sends answers an ack; no
input crashes the connection or the worker. Limits: a payload size cap, per-socket rates (this process),
per-person rates (shared storage, so they hold across sockets and processes).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import socketio
from asgiref.sync import ThreadSensitiveContext
from django.db import close_old_connections
from pydantic import BaseModel, ValidationError

from loopin.core import ratelimit
from loopin.core.envelope import error_body
from loopin.core.error_codes import CoreErrorCode
from loopin.core.errors import LoopinError, RateLimited
from loopin.core.logging import get_logger
from loopin.core.rates import parse_rate
from loopin.core.settings import get_settings
from loopin.core.sync import Resolvable, executor_pool, run_sync
from loopin.realtime import delivery as emitter
from loopin.realtime.managers import LocalManager, RedisManager
from loopin.realtime.services import connection_closed, connection_open

log = get_logger("loopin.realtime")


def _manager() -> Any:
    s = get_settings()
    if s.uses_redis:
        return RedisManager(s.REDIS_URL, channel=emitter.channel())
    return LocalManager()


def _server() -> socketio.AsyncServer:
    s = get_settings()
    return socketio.AsyncServer(
        async_mode="asgi",
        client_manager=_manager(),
        transports=["polling", "websocket"] if s.REALTIME_POLLING_ENABLED else ["websocket"],
        cors_allowed_origins=s.CORS_ORIGINS or None,  # None: same origin, and apps that send no Origin
        ping_interval=s.REALTIME_PING_INTERVAL,
        ping_timeout=s.REALTIME_PING_TIMEOUT,
        # The transport's hard ceiling; handlers refuse anything above REALTIME_MAX_PAYLOAD_BYTES with an ack.
        max_http_buffer_size=s.REALTIME_MAX_PAYLOAD_BYTES * 4,
        http_compression=False,
        logger=False,
        engineio_logger=False,
    )


sio = _server()


# ---------------------------------------------------------------- the sync hop


def _in_thread(fn: Callable[..., Any], kwargs: dict[str, Any], limit: tuple[str, str, str] | None) -> Any:
    close_old_connections()
    try:
        if limit is not None:
            scope, identity, spec = limit
            ratelimit.hit(scope, identity, ratelimit.rate(spec))
        return fn(**{k: (v.resolve() if isinstance(v, Resolvable) else v) for k, v in kwargs.items()})
    finally:
        close_old_connections()


async def call(fn: Callable[..., Any], /, *, _limit: tuple[str, str, str] | None = None, **kwargs: Any) -> Any:
    """One crossing into sync code on a pooled worker thread (its own DB connection), like a request's."""
    executor = executor_pool.acquire()
    try:
        async with ThreadSensitiveContext(executor=executor):
            return await run_sync(_in_thread, fn=fn, kwargs=kwargs, limit=_limit)
    finally:
        executor_pool.release(executor)


# ---------------------------------------------------------------- per-socket rates


class _Window:
    __slots__ = ("count", "start")

    def __init__(self) -> None:
        self.start = 0.0
        self.count = 0


_socket_windows: dict[tuple[str, str], _Window] = {}


def _socket_hit(sid: str, bucket: str, spec: str) -> None:
    rate = parse_rate(spec)
    now = time.monotonic()
    window = _socket_windows.setdefault((sid, bucket), _Window())
    if now - window.start >= rate.window:
        window.start, window.count = now, 0
    window.count += 1
    if window.count > rate.limit:
        raise RateLimited(
            "Slow down: too many events on this connection.",
            retry_after=int(rate.window - (now - window.start)) + 1,
            scope=f"socket:{bucket}",
        )


def _forget_socket(sid: str) -> None:
    for key in [k for k in _socket_windows if k[0] == sid]:
        _socket_windows.pop(key, None)


# ---------------------------------------------------------------- handlers


@dataclass(frozen=True)
class Ctx:
    """The caller of one handler: its socket and the person and session that opened it."""

    sid: str
    user_id: uuid.UUID
    session_id: uuid.UUID

    def limit(self, bucket: str, spec: str) -> tuple[str, str, str]:
        """A per-person rate (shared storage) checked inside the handler's sync call."""
        return (f"realtime:{bucket}", f"user:{self.user_id}", spec)


def ok(data: Any, message: str = "OK") -> dict[str, Any]:
    return {"success": True, "message": message, "data": data}


def _validation_details(exc: ValidationError) -> dict[str, Any]:
    fields = []
    for err in exc.errors():
        fields.append(
            {
                "field": ".".join(str(p) for p in err.get("loc", ())) or "payload",
                "code": err["type"],
                "message": err["msg"],
            }
        )
    return {"fields": fields}


def _size(data: Any) -> int:
    try:
        return len(json.dumps(data, default=str))
    except (TypeError, ValueError):
        return 0


Handler = Callable[[Ctx, Any], Awaitable[dict[str, Any]]]


def handler(event: str, schema: type[BaseModel] | None = None, *, rate: str = "event") -> Callable[[Handler], Handler]:
    """Register `fn(ctx, payload)` for a client event; every outcome is an envelope in the ack."""

    def register(fn: Handler) -> Handler:
        async def wrapped(sid: str, *args: Any) -> dict[str, Any]:
            s = get_settings()
            data = args[0] if args else None
            try:
                session = await sio.get_session(sid)
                if not session or "user_id" not in session:
                    return error_body("This connection is not signed in.", CoreErrorCode.NOT_AUTHENTICATED)
                if _size(data) > s.REALTIME_MAX_PAYLOAD_BYTES:
                    return error_body(
                        f"The payload is larger than {s.REALTIME_MAX_PAYLOAD_BYTES} bytes.",
                        CoreErrorCode.PAYLOAD_TOO_LARGE,
                        {"max_bytes": s.REALTIME_MAX_PAYLOAD_BYTES},
                    )
                spec = {"send": s.REALTIME_SEND_RATE_SOCKET, "typing": s.REALTIME_TYPING_RATE}.get(
                    rate, s.REALTIME_EVENT_RATE
                )
                _socket_hit(sid, rate, spec)
                payload: Any = data
                if schema is not None:
                    if data is None:
                        data = {}
                    if not isinstance(data, dict):
                        return error_body("The payload must be a JSON object.", CoreErrorCode.VALIDATION_ERROR, None)
                    payload = schema.model_validate(data)
                ctx = Ctx(sid=sid, user_id=session["user_id"], session_id=session["session_id"])
                return await fn(ctx, payload)
            except LoopinError as exc:
                return error_body(exc.message, exc.code, exc.details)
            except ValidationError as exc:
                return error_body("Some fields are invalid.", CoreErrorCode.VALIDATION_ERROR, _validation_details(exc))
            except Exception:
                log.exception("realtime_handler_failed", event_name=event)
                return error_body("Something went wrong on our side. Try again.", CoreErrorCode.INTERNAL_ERROR)

        sio.on(event, wrapped)
        return fn

    return register


def _token(auth: Any) -> str | None:
    token = auth.get("token") if isinstance(auth, dict) else auth if isinstance(auth, str) else None
    if not isinstance(token, str):
        return None
    token = token.strip()
    return token[7:].strip() if token.lower().startswith("bearer ") else token or None


@sio.event
async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
    emitter.attach(sio, asyncio.get_running_loop())
    try:
        opened = await call(connection_open, token=_token(auth))
    except LoopinError as exc:
        # The client's connect_error gets {"message": <sentence>, "data": <the error envelope>}.
        raise socketio.exceptions.ConnectionRefusedError(
            exc.message, error_body(exc.message, exc.code, exc.details)
        ) from None
    except Exception:
        log.exception("realtime_connect_failed")
        message = "We could not open this connection. Try again shortly."
        raise socketio.exceptions.ConnectionRefusedError(
            message, error_body(message, CoreErrorCode.SERVICE_UNAVAILABLE)
        ) from None
    await sio.save_session(sid, {"user_id": opened.user_id, "session_id": opened.session_id})
    for room in opened.rooms:
        await sio.enter_room(sid, room)


@sio.event
async def disconnect(sid: str, reason: Any = None) -> None:
    _forget_socket(sid)
    try:
        session = await sio.get_session(sid)
    except KeyError:
        return
    if session and "user_id" in session:
        try:
            await call(connection_closed, user_id=session["user_id"])
        except Exception:
            log.exception("realtime_disconnect_failed")


class _SocketApp(socketio.ASGIApp):
    """Socket.IO in front; every other attribute (openapi, routes, state) is the wrapped FastAPI app's."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["other_asgi_app"], name)


def asgi_app(other: Any) -> Any:
    """The Socket.IO endpoint at /socket.io/ in front of the rest of the ASGI app."""
    return _SocketApp(sio, other_asgi_app=other, socketio_path="socket.io")


def reset_for_new_loop() -> None:
    """A fresh client manager (and no loop attached) before serving on a new event loop (test servers)."""
    sio.manager = _manager()
    sio.manager.set_server(sio)
    sio.manager_initialized = False
    sio.eio.sockets = {}
    sio.eio.start_service_task = True
    sio.eio.service_task_handle = None
    sio.eio.service_task_event = None
    emitter.detach()


async def shutdown() -> None:
    """Stop the server's background work and close its manager's connections."""
    await sio.shutdown()
    close = getattr(sio.manager, "close", None)
    if close is not None:
        await close()
