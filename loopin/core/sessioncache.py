"""The session check, cached per process for a few seconds; revocation still takes effect at once.

A signed-in call asks "is session S of user U still valid (not ended, not expired, user active, not
suspended)?" and loads the user: one query of 2-3 ms through the ORM on every call (issue 22). A `SessionCache`
keeps the answer (the loaded user, as the accounts app built it, and the session's expiry) for
`SESSION_CACHE_SECONDS`. Whatever ends a session or changes a user calls `session_cache_forget`, which drops the
entries in this process at once and publishes the ids on a Redis channel that every process subscribes to; the
publication is repeated after commit, so a process that reloaded the old row in between drops it again.

Fail safe: the cache answers only while its subscriber is connected (a process that might miss an invalidation
does not cache at all), and it is emptied whenever the subscriber (re)connects, since messages may have been lost
while it was away. A load that began before an invalidation arrived is not stored (the generation counter), so a
slow request cannot put a revoked session back. Without Redis (embedded mode, one process) the cache is
in-process only, which is exact for one process.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis
from django.db import transaction
from django.utils import timezone

from loopin.core.bounded import oldest_to_drop
from loopin.core.settings import get_settings

logger = logging.getLogger(__name__)

# ~2 KB an entry (a user as loaded): at most ~40 MB a process. When full, the oldest tenth goes (the oldest
# stored first: expired ones before any live one).
_MAX_ENTRIES = 20_000


@dataclass(frozen=True)
class _Entry:
    user_id: uuid.UUID
    expires_at: datetime  # the session's own expiry: never served past it
    stored_at: float  # time.monotonic()
    value: Any


class SessionCache:
    """Per-process map session id -> the checked caller. `ttl` seconds; 0 turns it off."""

    def __init__(self, *, ttl: float, max_entries: int = _MAX_ENTRIES) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: dict[uuid.UUID, _Entry] = {}
        self._by_user: dict[uuid.UUID, set[uuid.UUID]] = {}  # user id -> its cached session ids
        self._generation = 0
        self.healthy: Callable[[], bool] = lambda: True  # a subscriber replaces it

    def generation(self) -> int:
        """Read before loading from the database; pass to `put`."""
        return self._generation

    def get(self, *, session_id: uuid.UUID, user_id: uuid.UUID) -> Any | None:
        """A copy of the cached value (the caller may set attributes on it), or None."""
        if self.ttl <= 0 or not self.healthy():
            return None
        entry = self._entries.get(session_id)
        if entry is None or entry.user_id != user_id:
            return None
        if time.monotonic() - entry.stored_at >= self.ttl or entry.expires_at <= timezone.now():
            with self._lock:
                if self._entries.get(session_id) is entry:  # not one stored meanwhile by another request
                    self._drop(session_id)
            return None
        return copy.copy(entry.value)

    def put(
        self, *, session_id: uuid.UUID, user_id: uuid.UUID, expires_at: datetime, value: Any, generation: int
    ) -> None:
        if self.ttl <= 0 or not self.healthy():
            return
        with self._lock:
            if generation != self._generation:  # something was invalidated while this was being loaded
                return
            self._drop(session_id)  # re-stored at the end (the order is the store order); another user's index left
            for oldest in oldest_to_drop(self._entries, self.max_entries):
                self._drop(oldest)
            self._entries[session_id] = _Entry(user_id, expires_at, time.monotonic(), copy.copy(value))
            self._by_user.setdefault(user_id, set()).add(session_id)

    def forget(self, *, user_id: uuid.UUID | None = None, session_id: uuid.UUID | None = None) -> None:
        """Drop the session (when given), else every session of the user (both None: everything).

        A user's sessions are found through `_by_user`: forgetting costs the same with 20,000 entries cached
        as with none (every save of any user forgets that user, in every process)."""
        with self._lock:
            self._generation += 1
            if user_id is None and session_id is None:
                self._entries.clear()
                self._by_user.clear()
            elif session_id is not None:
                self._drop(session_id)
            else:
                for sid in self._by_user.pop(user_id, ()):
                    self._entries.pop(sid, None)

    def _drop(self, session_id: uuid.UUID) -> None:
        """Remove one entry and its index line (lock held)."""
        entry = self._entries.pop(session_id, None)
        if entry is None:
            return
        sessions = self._by_user.get(entry.user_id)
        if sessions is not None:
            sessions.discard(session_id)
            if not sessions:
                del self._by_user[entry.user_id]

    def __len__(self) -> int:
        return len(self._entries)


def _message(*, user_id: uuid.UUID | None, session_id: uuid.UUID | None) -> str:
    return json.dumps({"u": str(user_id) if user_id else None, "s": str(session_id) if session_id else None})


def _apply(cache: SessionCache, raw: bytes | str) -> None:
    try:
        data = json.loads(raw)
        user_id = uuid.UUID(data["u"]) if data.get("u") else None
        session_id = uuid.UUID(data["s"]) if data.get("s") else None
    except (ValueError, KeyError, TypeError):
        cache.forget()  # unreadable: forget everything rather than guess
        return
    cache.forget(user_id=user_id, session_id=session_id)


class Subscriber:
    """Listens on the invalidation channel in a daemon thread and applies every message to `cache`.

    `connected` is true only between a confirmed SUBSCRIBE and the first error; the cache is emptied on every
    (re)connection. `stop()` ends the thread (the cache then stops answering)."""

    def __init__(self, cache: SessionCache, *, url: str, channel: str, retry_seconds: float = 1.0) -> None:
        self.cache = cache
        self.url = url
        self.channel = channel
        self.retry_seconds = retry_seconds
        self.messages = 0
        self._connected = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="session-cache-subscriber", daemon=True)
        cache.healthy = self._connected.is_set

    def start(self) -> Subscriber:
        self._thread.start()
        return self

    def wait_connected(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    def stop(self) -> None:
        self._stopping.set()
        self._connected.clear()
        self.cache.forget()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stopping.is_set():
            client = redis.Redis.from_url(
                self.url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=10
            )
            pubsub = client.pubsub(ignore_subscribe_messages=False)
            try:
                pubsub.subscribe(self.channel)
                while not self._stopping.is_set():
                    msg = pubsub.get_message(timeout=1.0)
                    if msg is None:
                        pubsub.ping()  # a dead connection shows itself within a second or so
                        continue
                    if msg["type"] == "subscribe":
                        self.cache.forget()  # anything cached before may have missed a message
                        self._connected.set()
                    elif msg["type"] == "message":
                        _apply(self.cache, msg["data"])
                        self.messages += 1
            except (redis.RedisError, OSError) as exc:
                if self._connected.is_set():
                    logger.warning("session cache subscriber lost Redis (%s); not caching sessions", type(exc).__name__)
            finally:
                self._connected.clear()
                self.cache.forget()
                try:
                    pubsub.close()
                    client.close()
                except (redis.RedisError, OSError):
                    pass
            self._stopping.wait(self.retry_seconds)


def channel_name() -> str:
    return f"{get_settings().REDIS_KEY_PREFIX}:session-cache"


_state: dict[str, Any] = {}
_state_lock = threading.Lock()


def session_cache_start(url: str | None, *, wait: float = 0.5) -> SessionCache:
    """(Re)build this process's cache: subscribed to `url`'s channel, or in-process only when None."""
    session_cache_stop()
    cache = SessionCache(ttl=get_settings().SESSION_CACHE_SECONDS)
    if url:
        subscriber = Subscriber(cache, url=url, channel=channel_name()).start()
        subscriber.wait_connected(wait)  # until it is up, calls simply are not cached
        _state["subscriber"] = subscriber
        _state["publisher"] = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    _state.update(cache=cache, pid=os.getpid())
    return cache


def session_cache_stop() -> None:
    """Stop this process's subscriber and drop its cache (the next `session_cache()` starts afresh)."""
    subscriber = _state.pop("subscriber", None)
    if subscriber is not None and _state.get("pid") == os.getpid():
        subscriber.stop()
    _state.clear()


def session_cache() -> SessionCache:
    """This process's cache (its subscriber starts on first use, and again after a fork)."""
    found = _state.get("cache")
    if found is not None and _state.get("pid") == os.getpid():
        cache: SessionCache = found
        return cache
    with _state_lock:
        if _state.get("cache") is None or _state.get("pid") != os.getpid():
            settings = get_settings()
            session_cache_start(settings.REDIS_URL if settings.uses_redis else None)
        cache = _state["cache"]
        return cache


def _publish(message: str) -> None:
    publisher = _state.get("publisher") if _state.get("pid") == os.getpid() else None
    if publisher is None:
        return  # in-process only (or not started: nothing cached here yet, and other processes hear nothing)
    try:
        publisher.publish(channel_name(), message)
    except (redis.RedisError, OSError):
        # Redis is down: every subscriber has lost it too, stopped caching and will start empty when it is back.
        logger.warning("session cache invalidation not published (Redis unavailable)")


def session_cache_forget(*, user_id: uuid.UUID | None = None, session_id: uuid.UUID | None = None) -> None:
    """A session ended or a user changed: forget them in every process, now and again after commit."""
    message = _message(user_id=user_id, session_id=session_id)

    def everywhere() -> None:
        session_cache().forget(user_id=user_id, session_id=session_id)
        _publish(message)

    everywhere()
    transaction.on_commit(everywhere, robust=True)
