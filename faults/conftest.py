"""Fixtures of the fault tests: one migrated database on the shared PostgreSQL, a redis-server of the test's own."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import psycopg
import pytest

from faults.harness import ADMIN_URL, ROOT, RedisServer, db_url, free_port


@pytest.fixture(scope="session")
def database() -> Iterator[str]:
    """A fresh, migrated database for this run on the shared server; dropped afterwards."""
    name = f"loopin_faults_{os.getpid()}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": db_url(name), "REDIS_URL": "", "LOG_LEVEL": "WARNING"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    yield name
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def own_redis(tmp_path) -> Iterator[RedisServer]:
    redis = RedisServer(free_port(), tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()
