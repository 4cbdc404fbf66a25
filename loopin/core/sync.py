"""Crossing from async endpoints into sync ORM code, once per endpoint.

Each request runs inside its own asgiref ThreadSensitiveContext (see `core.middleware`), so every
`run_sync` call of one request lands on the same worker thread (and the same DB connection), while
different requests run on different threads. The worker threads are pooled so that their
connections can be reused across requests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from asgiref.sync import sync_to_async

R = TypeVar("R")


class Resolvable:
    """An argument resolved inside the sync thread before the service runs (e.g. the caller)."""

    def resolve(self) -> Any:  # pragma: no cover - interface
        raise NotImplementedError


def _call(fn: Callable[..., R], kwargs: dict[str, Any]) -> R:
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
