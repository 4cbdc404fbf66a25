"""Global request caps per caller, as pure ASGI middleware.

Every `/api/*` request (except health) counts against one bucket: the signed-in user's
(`RATE_LIMIT_USER`, keyed by the access token's user id, checked by signature only, no DB) or the
client IP's (`RATE_LIMIT_ANON`; the IP comes from `core.net.client_ip`, which believes
`X-Forwarded-For` only from `TRUSTED_PROXIES`). Multipart uploads also count against
`RATE_LIMIT_UPLOAD`. Over a cap: 429 `RATE_LIMITED` with `Retry-After`.

Counting is a sliding-window counter (this window's count plus the previous window's, weighted by
how much of it still overlaps): O(1) memory per caller and one Redis round trip per request.

Storage: Redis when `REDIS_URL` is set, else this process's memory. **Fallback rule**: when Redis
fails (error or a 250 ms timeout), the request is counted in this process's memory instead and Redis
is not tried again for `REDIS_RETRY_SECONDS`; so while Redis is down each web process enforces the
caps on its own (the effective cap is at most workers x the setting) and the API keeps answering.
The OTP limits (`core.ratelimit.hit`) are different: they fail closed (503).
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import time
import weakref
from functools import lru_cache
from typing import Any

import redis.asyncio as aioredis
import structlog

from loopin.core.auth import token_claims
from loopin.core.envelope import error_body
from loopin.core.error_codes import CoreErrorCode
from loopin.core.errors import NotAuthenticated
from loopin.core.middleware import send_json
from loopin.core.rates import Rate, parse_rate
from loopin.core.settings import get_settings

log = structlog.get_logger("loopin.throttle")

REDIS_RETRY_SECONDS = 5.0
REDIS_TIMEOUT_SECONDS = 0.25


def _weighted(prev: int, cur: int, now: float, rate: Rate) -> float:
    elapsed = now % rate.window
    return prev * (1 - elapsed / rate.window) + cur


def _retry_after(now: float, rate: Rate) -> int:
    return max(1, math.ceil(rate.window - now % rate.window))


class MemoryCounter:
    """This process's sliding-window counters (no awaits, so safe on any event loop)."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, int, int], int] = {}
        self._next_prune = 0.0

    def hit(self, key: str, rate: Rate, now: float) -> float:
        window = int(now // rate.window)
        cur = self._counts.get((key, rate.window, window), 0) + 1
        self._counts[(key, rate.window, window)] = cur
        prev = self._counts.get((key, rate.window, window - 1), 0)
        if now >= self._next_prune:
            self._prune(now)
        return _weighted(prev, cur, now, rate)

    def _prune(self, now: float) -> None:
        # Only this window and the previous one are ever read.
        self._next_prune = now + 60
        self._counts = {(k, wl, w): c for (k, wl, w), c in self._counts.items() if w >= int(now // wl) - 1}

    def reset(self) -> None:
        self._counts.clear()


class RedisCounter:
    """The same counters in Redis; one client per event loop (asyncio connections are loop-bound)."""

    def __init__(self, url: str, prefix: str) -> None:
        self.url = url
        self.prefix = prefix
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()

    def _client(self) -> Any:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = aioredis.Redis.from_url(
                self.url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
            )
            self._clients[loop] = client
        return client

    async def hit(self, key: str, rate: Rate, now: float) -> float:
        window = int(now // rate.window)
        cur_key = f"{self.prefix}:{key}:{rate.window}:{window}"
        prev_key = f"{self.prefix}:{key}:{rate.window}:{window - 1}"
        pipe = self._client().pipeline(transaction=True)
        pipe.incr(cur_key)
        pipe.expire(cur_key, rate.window * 2)
        pipe.get(prev_key)
        cur, _, prev = await asyncio.wait_for(pipe.execute(), timeout=REDIS_TIMEOUT_SECONDS * 2)
        return _weighted(int(prev or 0), int(cur), now, rate)


class Limiter:
    """Redis counters with the documented in-process fallback."""

    def __init__(self, redis: RedisCounter | None) -> None:
        self.redis = redis
        self.memory = MemoryCounter()
        self.redis_down_until = 0.0

    async def hit(self, key: str, rate: Rate) -> float:
        now = time.time()
        if self.redis is not None and now >= self.redis_down_until:
            try:
                return await self.redis.hit(key, rate, now)
            except Exception as exc:  # Redis down or slow: count here instead (see module docstring)
                self.redis_down_until = now + REDIS_RETRY_SECONDS
                log.warning("throttle_redis_unavailable", error=type(exc).__name__, retry_in=REDIS_RETRY_SECONDS)
        return self.memory.hit(key, rate, now)


@lru_cache
def limiter() -> Limiter:
    s = get_settings()
    redis = RedisCounter(s.REDIS_URL, f"{s.REDIS_KEY_PREFIX}:limits:global") if s.uses_redis else None
    return Limiter(redis)


def reset() -> None:
    """Forget the in-process counters (Redis keys go with `core.ratelimit.reset_all`)."""
    lim = limiter()
    lim.memory.reset()
    lim.redis_down_until = 0.0


def _hash(identity: str) -> str:
    return hashlib.sha256(identity.encode()).hexdigest()[:32]


def _bearer_user(scope: dict) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() != "bearer" or not token:
                return None
            try:
                # Kept in the request's state: the auth dependency reuses it instead of decoding again.
                return str(token_claims(scope.setdefault("state", {}), token.strip()).user_id)
            except NotAuthenticated:
                return None  # a bad token is counted against the IP; the endpoint answers 401
    return None


def _is_upload(scope: dict) -> bool:
    if scope.get("method") not in ("POST", "PUT", "PATCH"):
        return False
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return value.lower().startswith(b"multipart/form-data")
    return False


def limited_path(path: str) -> bool:
    # Payment providers (and LiveKit) post webhooks from a few addresses in bursts (a ticket rush is hundreds a minute)
    # and retry what we refuse; the signature over the body is what gates them, not a per-IP cap.
    return path.startswith("/api/") and not path.startswith(
        ("/api/health", "/api/payments/webhooks/", "/api/v2/rooms/webhooks/")
    )


class RateLimitMiddleware:
    """Answers 429 before the app runs when the caller is over a global cap."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not limited_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        s = get_settings()
        if not s.RATE_LIMIT_ENABLED:
            await self.app(scope, receive, send)
            return
        user_id = _bearer_user(scope)
        if user_id:
            identity, bucket, rate = f"user:{user_id}", "user", parse_rate(s.RATE_LIMIT_USER)
        else:
            ip = (scope.get("state") or {}).get("client_ip") or (scope.get("client") or ("unknown", 0))[0]
            identity, bucket, rate = f"ip:{ip}", "anonymous", parse_rate(s.RATE_LIMIT_ANON)
        checks = [(bucket, rate)]
        if _is_upload(scope):
            checks.append(("upload", parse_rate(s.RATE_LIMIT_UPLOAD)))
        lim = limiter()
        for name, item in checks:
            count = await lim.hit(f"{name}:{_hash(identity)}", item)
            if count > item.limit:
                retry = _retry_after(time.time(), item)
                await send_json(
                    send,
                    429,
                    error_body(
                        "Too many requests. Try again later.",
                        CoreErrorCode.RATE_LIMITED,
                        {"retry_after": retry, "scope": f"global_{name}"},
                    ),
                    [(b"retry-after", str(retry).encode())],
                )
                return
        await self.app(scope, receive, send)
