"""Crossing from async endpoints into sync ORM code, once per endpoint.

Each request runs inside its own asgiref ThreadSensitiveContext (see `core.middleware`), so every
`run_sync` call of one request lands on the same worker thread (and the same DB connection), while
different requests run on different threads. The worker threads are pooled so that their
connections can be reused across requests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import ContextVar
from typing import Any, TypeVar

import structlog
from asgiref.sync import sync_to_async
from django.db import close_old_connections

R = TypeVar("R")


class Resolvable:
    """An argument resolved inside the sync thread before the service runs (e.g. the caller)."""

    def resolve(self) -> Any:  # pragma: no cover - interface
        raise NotImplementedError


# Set by `core.middleware.DjangoContextMiddleware` for one request: whether its worker thread has been used yet.
# The first crossing closes the thread's stale connections before it runs (inside the same hop, not one of its own);
# after the request the middleware queues the closing on the same thread only if a crossing happened.
request_db: ContextVar[list[bool] | None] = ContextVar("loopin_request_db", default=None)


def _call(fn: Callable[..., R], kwargs: dict[str, Any]) -> R:
    state = request_db.get()
    if state is not None and not state[0]:
        state[0] = True
        close_old_connections()
    resolved = {k: (v.resolve() if isinstance(v, Resolvable) else v) for k, v in kwargs.items()}
    return fn(**resolved)


async def run_sync(fn: Callable[..., R], /, **kwargs: Any) -> R:
    """Run a sync service or selector on this request's worker thread."""
    return await sync_to_async(_call, thread_sensitive=True)(fn, kwargs)


class ExecutorPool:
    """Single-thread executors lent to one request at a time, kept for reuse."""

    def __init__(self, keep: int = 64) -> None:
        self._free: list[ThreadPoolExecutor] = []
        self._lock = threading.Lock()
        self._keep = keep

    def acquire(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._free:
                return self._free.pop()
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="loopin-request")

    def release(self, executor: ThreadPoolExecutor) -> None:
        with self._lock:
            if len(self._free) < self._keep:
                self._free.append(executor)
                return
        executor.shutdown(wait=False)


executor_pool = ExecutorPool()
log = structlog.get_logger("loopin.request")


def _closed(future: Future[None]) -> None:
    if (exc := future.exception()) is not None:
        log.error("close_connections_failed", error=type(exc).__name__)


def close_after(executor: ThreadPoolExecutor) -> None:
    """Queue the request's connection closing (returning a pooled one) on its worker thread, then lend the thread
    out again: the executor has one thread and runs in order, so the next request's work starts after the close,
    and the event loop does not wait for it (the response has been sent)."""
    executor.submit(close_old_connections).add_done_callback(_closed)
    executor_pool.release(executor)
