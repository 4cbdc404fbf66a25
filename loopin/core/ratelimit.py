"""Rate limits on the `limits` library: Redis storage when configured, in-process otherwise."""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from functools import lru_cache

import structlog
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from loopin.core import throttle
from loopin.core.error_codes import CoreErrorCode
from loopin.core.errors import RateLimited, ServiceUnavailable
from loopin.core.settings import get_settings

log = structlog.get_logger("loopin.ratelimit")


@lru_cache
def storage() -> Storage:
    settings = get_settings()
    if settings.uses_redis:
        # Short timeouts: a dead Redis must fail (closed) fast, not hang the request.
        return storage_from_string(
            settings.REDIS_URL,
            key_prefix=f"{settings.REDIS_KEY_PREFIX}:limits",
            socket_connect_timeout=1,
            socket_timeout=1,
        )
    return MemoryStorage()


@lru_cache
def _limiter() -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage())


def _key(identity: str) -> str:
    # Identities (phones, IPs) are hashed so the limiter's storage never holds them in clear.
    return hashlib.sha256(identity.encode()).hexdigest()[:32]


def rate(spec: str) -> RateLimitItem:
    return parse(spec)


def hit(scope: str, identity: str, item: RateLimitItem, *, fail_closed: bool = True) -> None:
    """Count one hit; raise RateLimited when over. Storage trouble fails closed unless told otherwise."""
    limiter = _limiter()
    key = _key(identity)
    try:
        allowed = limiter.hit(item, scope, key)
        if allowed:
            return
        reset_at, _remaining = limiter.get_window_stats(item, scope, key)
    except Exception as exc:  # storage down: the caller chose how to fail
        log.warning("ratelimit_storage_error", scope=scope, error=type(exc).__name__)
        if fail_closed:
            raise ServiceUnavailable(
                "Rate limiting is unavailable, so this action is paused. Try again shortly.",
                code=CoreErrorCode.RATE_LIMIT_UNAVAILABLE,
                details={"dependency": "redis"},
                retry_after=10,
            ) from exc
        return
    raise RateLimited(retry_after=math.ceil(reset_at - time.time()), scope=scope)


def reset_all() -> None:
    """Forget every counter (tests, and the admin's 'unblock' for an emergency)."""

    storage().reset()  # Redis: every key under `<prefix>:limits`, the global caps' included
    throttle.reset()


# ---------------------------------------------------------------- lock-out with back-off


@dataclass(frozen=True)
class Backoff:
    """After `threshold` failures the identity waits `first_wait` s; each further failure doubles the
    wait, up to `max_wait`. Failures are remembered for `memory` s from the first one."""

    threshold: int
    first_wait: int
    max_wait: int
    memory: int

    def wait_for(self, failures: int) -> int:
        if failures < self.threshold:
            return 0
        return min(self.first_wait * 2 ** min(failures - self.threshold, 30), self.max_wait)


def _unavailable(exc: Exception, scope: str) -> ServiceUnavailable:
    log.warning("ratelimit_storage_error", scope=scope, error=type(exc).__name__)
    return ServiceUnavailable(
        "Rate limiting is unavailable, so this action is paused. Try again shortly.",
        code=CoreErrorCode.RATE_LIMIT_UNAVAILABLE,
        details={"dependency": "redis"},
        retry_after=10,
    )


def lockout_wait(scope: str, identity: str) -> int:
    """Seconds this identity must still wait (0: not locked). Storage trouble fails closed."""
    key = f"lockout:{scope}:{_key(identity)}"
    try:
        if storage().get(f"{key}:lock") <= 0:
            return 0
        return max(math.ceil(storage().get_expiry(f"{key}:lock") - time.time()), 1)
    except Exception as exc:
        raise _unavailable(exc, scope) from exc


def lockout_fail(scope: str, identity: str, policy: Backoff) -> tuple[int, int]:
    """Count one failure; returns (failures so far, seconds of lock-out it imposed, 0 for none)."""
    key = f"lockout:{scope}:{_key(identity)}"
    try:
        failures = storage().incr(f"{key}:fails", policy.memory)
        wait = policy.wait_for(failures)
        if wait:
            storage().clear(f"{key}:lock")
            storage().incr(f"{key}:lock", wait)
    except Exception as exc:
        raise _unavailable(exc, scope) from exc
    return failures, wait


def lockout_clear(scope: str, identity: str) -> None:
    """Forget an identity's failures (a successful sign-in)."""
    key = f"lockout:{scope}:{_key(identity)}"
    try:
        storage().clear(f"{key}:fails")
        storage().clear(f"{key}:lock")
    except Exception as exc:
        raise _unavailable(exc, scope) from exc
