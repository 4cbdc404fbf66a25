"""The one way to reach sockets: from a request thread, the event loop, a Celery task or a shell.

- In a process that serves sockets, calls go to its `AsyncServer` on its loop (its manager publishes to the
  other processes through Redis when there is Redis).
- In any other process (a Celery worker, a management command), a write-only Redis manager publishes.
- With neither (embedded mode, no server running here), nobody can be listening: the call does nothing.

Room membership changes and disconnections of a person's sockets travel as control messages on the same
channel, so a ticket issued by a Celery worker makes every process add that person's sockets to the room.
"""

from __future__ import annotations

import asyncio
import threading
from functools import lru_cache
from typing import Any

import socketio

from loopin.core.logging import get_logger
from loopin.core.settings import get_settings

log = get_logger("loopin.realtime")

NAMESPACE = "/"
CONTROL_EVENT = "__loopin_control__"

_local: dict[str, Any] = {"server": None, "loop": None}
_lock = threading.Lock()


def user_room(user_id: Any) -> str:
    return f"user:{user_id}"


def session_room(session_id: Any) -> str:
    return f"session:{session_id}"


def channel() -> str:
    """The Redis pub/sub channel; one per REDIS_KEY_PREFIX so deployments (and test runs) never cross."""
    return f"{get_settings().REDIS_KEY_PREFIX}:socketio"


def attach(server: Any, loop: asyncio.AbstractEventLoop) -> None:
    """Called by the server when its loop is known (first connection); later emits from threads go there."""
    with _lock:
        _local["server"] = server
        _local["loop"] = loop


def detach() -> None:
    with _lock:
        _local["server"] = None
        _local["loop"] = None


@lru_cache
def _write_only_manager() -> Any:
    return socketio.RedisManager(get_settings().REDIS_URL, channel=channel(), write_only=True)


def _dispatch(event: str, payload: Any, room: str, skip_sid: str | None = None) -> None:
    server, loop = _local["server"], _local["loop"]
    if server is not None and loop is not None and loop.is_running():
        coro = server.emit(event, payload, room=room, namespace=NAMESPACE, skip_sid=skip_sid)
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            task = loop.create_task(coro)
            task.add_done_callback(_log_failure)
        else:
            asyncio.run_coroutine_threadsafe(coro, loop).add_done_callback(_log_failure)
        return
    if get_settings().uses_redis:
        try:
            _write_only_manager().emit(event, payload, room=room, namespace=NAMESPACE, skip_sid=skip_sid)
        except Exception as exc:  # a realtime hiccup never fails the write that caused it
            log.warning("realtime_publish_failed", event_name=event, error=type(exc).__name__)


def _log_failure(future: Any) -> None:
    if not future.cancelled() and future.exception() is not None:
        exc = future.exception()
        log.warning("realtime_emit_failed", error=repr(exc), exc_info=exc)


def emit(room: str, event: str, payload: Any, *, skip_sid: str | None = None) -> None:
    """Send `event` with `payload` to every socket in `room`, in whatever process it is connected to."""
    _dispatch(event, payload, room, skip_sid)


def join_room(member_room: str, room: str) -> None:
    """Put every socket in `member_room` (e.g. a person's `user:{id}`) into `room`, in every process."""
    _dispatch(CONTROL_EVENT, {"action": "join", "target": room}, member_room)


def leave_room(member_room: str, room: str) -> None:
    _dispatch(CONTROL_EVENT, {"action": "leave", "target": room}, member_room)


def disconnect_room(room: str, *, code: str, message: str) -> None:
    """Tell every socket in `room` why (`session_ended`), then disconnect it, in every process."""
    _dispatch(CONTROL_EVENT, {"action": "kick", "error_code": code, "error": message}, room)
