"""The Redis cache backend shares one connection pool per server across the cache objects of a process (Django
makes one per asgiref context, i.e. per request)."""

from __future__ import annotations

from loopin.core.cache import SharedPoolRedisCache

PARAMS = {"KEY_PREFIX": "t", "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}


def test_cache_objects_of_one_process_share_the_pool_of_their_server() -> None:
    # Getting a pool opens no connection, so no Redis is needed here.
    first = SharedPoolRedisCache("redis://127.0.0.1:6379/0", PARAMS)
    second = SharedPoolRedisCache("redis://127.0.0.1:6379/0", PARAMS)
    other_db = SharedPoolRedisCache("redis://127.0.0.1:6379/1", PARAMS)
    pool = first._cache._get_connection_pool(write=True)
    assert second._cache._get_connection_pool(write=True) is pool
    assert second._cache._get_connection_pool(write=False) is pool  # one server: reads and writes alike
    assert other_db._cache._get_connection_pool(write=True) is not pool
    assert first._cache.get_client(write=True).connection_pool is pool


def test_cache_objects_of_one_process_share_one_client_of_their_server_and_it_serves_them_all() -> None:
    first = SharedPoolRedisCache("redis://127.0.0.1:6379/0", PARAMS)
    second = SharedPoolRedisCache("redis://127.0.0.1:6379/0", PARAMS)
    other_db = SharedPoolRedisCache("redis://127.0.0.1:6379/1", PARAMS)
    client = first._cache.get_client(write=True)
    assert second._cache.get_client(write=False) is client
    assert client.connection_pool is second._cache._get_connection_pool(write=True)
    assert other_db._cache.get_client() is not client
    assert other_db._cache.get_client().connection_pool is other_db._cache._get_connection_pool(write=True)
