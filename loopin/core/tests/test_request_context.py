"""A request's worker thread and its database connection (`core.middleware.DjangoContextMiddleware`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from fastapi import FastAPI
from starlette.testclient import TestClient

from loopin.core.middleware import DjangoContextMiddleware
from loopin.core.sync import executor_pool, run_sync

pytestmark = pytest.mark.django_db(transaction=True)


class _Seen:
    def __init__(self) -> None:
        self.wrappers: list[Any] = []
        self.threads: list[int] = []
        self.open_at_start: list[bool] = []


def _query(*, seen: _Seen, expire: bool) -> int:
    wrapper = connections["default"]
    seen.open_at_start.append(wrapper.connection is not None)
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    if expire:
        wrapper.close_at = time.monotonic() - 1  # as if CONN_MAX_AGE had passed
    seen.wrappers.append(wrapper)
    seen.threads.append(threading.get_ident())
    return int(one)


@pytest.fixture
def probe() -> Iterator[tuple[TestClient, _Seen]]:
    app = FastAPI()
    seen = _Seen()

    @app.get("/query")
    async def query(expire: bool = False) -> dict[str, Any]:
        first = await run_sync(_query, seen=seen, expire=expire)
        second = await run_sync(_query, seen=seen, expire=False)
        return {"sum": first + second}

    app.add_middleware(DjangoContextMiddleware)
    with TestClient(app) as client:
        yield client, seen


def _drain() -> None:
    executor = executor_pool.acquire()  # the one the request gave back (the pool lends the last one first)
    executor.submit(lambda: None).result(timeout=5)
    executor_pool.release(executor)


def _eventually_closed(wrapper: Any) -> bool:
    deadline = time.monotonic() + 5
    while wrapper.connection is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    return wrapper.connection is None


def test_every_crossing_of_one_request_runs_on_one_thread_with_one_connection(
    probe: tuple[TestClient, _Seen],
) -> None:
    client, seen = probe
    assert client.get("/query").json() == {"sum": 2}
    assert len(set(seen.threads)) == 1
    assert seen.wrappers[0] is seen.wrappers[1]
    assert seen.open_at_start[1] is True


def test_an_expired_connection_is_closed_after_the_request_on_its_own_thread(
    probe: tuple[TestClient, _Seen],
) -> None:
    client, seen = probe
    assert client.get("/query", params={"expire": "true"}).json() == {"sum": 2}
    # The first crossing made the connection expire; the closing queued after the request drops it.
    assert _eventually_closed(seen.wrappers[-1])


def test_the_first_crossing_closes_a_connection_that_expired_between_requests(
    probe: tuple[TestClient, _Seen],
) -> None:
    client, seen = probe
    assert client.get("/query").json() == {"sum": 2}
    _drain()  # the closing queued after the request has run
    wrapper = seen.wrappers[-1]
    if wrapper.connection is not None:  # SQLite keeps it (CONN_MAX_AGE); PostgreSQL's pool takes it back
        wrapper.close_at = time.monotonic() - 1
    assert client.get("/query").json() == {"sum": 2}
    assert seen.threads[2] == seen.threads[0]  # the pooled thread was lent out again
    assert seen.open_at_start[2:] == [False, True]
