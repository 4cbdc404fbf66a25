"""Online / last seen, kept in the cache (Redis when configured, so every process agrees).

A count of open sockets per person: the first socket makes them online, the last one closing records
"last seen". Counts expire after a day so a crashed process cannot keep someone online for ever.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.utils import timezone

TTL = 24 * 3600


def _count_key(user_id: uuid.UUID) -> str:
    return f"presence:count:{user_id}"


def _seen_key(user_id: uuid.UUID) -> str:
    return f"presence:seen:{user_id}"


def presence_up(user_id: uuid.UUID) -> bool:
    """Count one more socket; True when it is the person's first (they just came online)."""
    key = _count_key(user_id)
    cache.add(key, 0, TTL)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, TTL)
        count = 1
    cache.touch(key, TTL)
    return count == 1


def presence_down(user_id: uuid.UUID) -> bool:
    """Count one socket fewer; True when it was the last (they just went offline)."""
    key = _count_key(user_id)
    try:
        count = cache.decr(key)
    except ValueError:
        count = 0
    if count <= 0:
        cache.delete(key)
        cache.set(_seen_key(user_id), timezone.now().isoformat(), 90 * 24 * 3600)
        return True
    return False


def is_online(user_id: uuid.UUID) -> bool:
    return bool(cache.get(_count_key(user_id)))


def online_among(user_ids: list[uuid.UUID]) -> set[str]:
    if not user_ids:
        return set()
    counts = cache.get_many([_count_key(u) for u in user_ids])
    return {str(u) for u in user_ids if counts.get(_count_key(u))}


def last_seen(user_ids: list[uuid.UUID]) -> dict[str, str | None]:
    seen = cache.get_many([_seen_key(u) for u in user_ids])
    return {str(u): seen.get(_seen_key(u)) for u in user_ids}
