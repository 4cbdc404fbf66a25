"""The Redis cache backend shares one connection pool per server, and one client over it, across the cache objects
of a process (Django makes one per asgiref context, i.e. per request)."""

from __future__ import annotations

from loopin.core.cache import SharedPoolRedisCache

PARAMS = {"KEY_PREFIX": "t", "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}


def test_cache_objects_of_one_process_share_the_pool_and_the_client_of_their_server() -> None:
    # Getting a pool or a client opens no connection, so no Redis is needed here.
    first = SharedPoolRedisCache("redis://127.0.0.1:6379/0", PARAMS)
    second = SharedPoolRedisCache("redis://127.0.0.1:6379/0", PARAMS)
    other_db = SharedPoolRedisCache("redis://127.0.0.1:6379/1", PARAMS)
    pool = first._cache._get_connection_pool(write=True)
    assert second._cache._get_connection_pool(write=True) is pool
    assert second._cache._get_connection_pool(write=False) is pool  # one server: reads and writes alike
    assert other_db._cache._get_connection_pool(write=True) is not pool
    client = first._cache.get_client(write=True)
    assert client.connection_pool is pool
    assert second._cache.get_client(write=False) is client
    assert other_db._cache.get_client() is not client
    assert other_db._cache.get_client().connection_pool is other_db._cache._get_connection_pool(write=True)
