"""Django's Redis cache with one connection pool per process and server.

Django keeps a cache object per asgiref context, and every request here runs in its own context, so the stock
backend built a new client, a new connection pool and a new TCP connection (plus `HELLO`) for each request: on the
signed-in feed that was a fifth of the time and hundreds of idle connections (issue 22's profile). Here every
cache object of a process shares the pool for its server, so connections are made once and reused; redis-py's
pool notices a fork and starts afresh in the child.
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_POOLS: dict[tuple[str, str], Any] = {}
_LOCK = threading.Lock()


class SharedPoolRedisCacheClient(RedisCacheClient):
    def _get_connection_pool(self, write: bool) -> Any:
        url = self._servers[self._get_connection_pool_index(write)]
        key = (url, repr(sorted(self._pool_options.items(), key=lambda kv: kv[0])))
        pool = _POOLS.get(key)
        if pool is None:
            with _LOCK:
                pool = _POOLS.get(key)
                if pool is None:
                    pool = _POOLS[key] = self._pool_class.from_url(url, **self._pool_options)
        return pool


class SharedPoolRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedPoolRedisCacheClient
