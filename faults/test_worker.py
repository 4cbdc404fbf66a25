"""Fault tests for the asynchronous side (`make faults`): the Celery worker and the webhooks it applies.

Each test starts its own redis-server (with an append-only file, as production's), the production server
command and the production worker command; the worker reaches Redis through a TCP proxy the test cuts
(RST on every connection, as when the Redis host drops off the network). Jobs are real: signed sandbox
webhooks posted to the API, stored, queued, and applied by the worker (`payments.process_event`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from faults.harness import AppServer, RedisServer, TcpProxy, WorkerProcess, db_url, free_port, run_sweeper

SANDBOX_SECRET = "faults-sandbox-webhook-secret-0123456789abcdef"


@pytest.fixture
def persistent_redis(tmp_path) -> Iterator[RedisServer]:
    redis = RedisServer(free_port(), tmp_path, persistent=True)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


def _post_webhook(port: int, event_id: str) -> tuple[int, dict]:
    """A signed sandbox webhook for no order of ours: stored, then applied as 'ignored: no order'."""
    import http.client as httpclient

    body = json.dumps({"id": event_id, "type": "payment.succeeded", "data": {"order_id": "sbx_order_none"}}).encode()
    signature = hmac.new(SANDBOX_SECRET.encode(), body, hashlib.sha256).hexdigest()
    conn = httpclient.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            "POST",
            "/api/payments/webhooks/sandbox",
            body=body,
            headers={"Content-Type": "application/json", "X-Sandbox-Signature": signature},
        )
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def _unprocessed(database: str, prefix: str) -> int:
    with psycopg.connect(db_url(database), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM payments_paymentevent WHERE event_id LIKE %s AND processed_at IS NULL",
            (prefix + "%",),
        ).fetchone()
    return row[0]


def _stored(database: str, prefix: str) -> int:
    with psycopg.connect(db_url(database), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM payments_paymentevent WHERE event_id LIKE %s", (prefix + "%",)
        ).fetchone()
    return row[0]


def _env(database: str, redis_port: int, prefix: str) -> dict[str, str]:
    return {
        "DATABASE_URL": db_url(database),
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "REDIS_KEY_PREFIX": prefix,
        "CELERY_ALWAYS_EAGER": "false",
        "SANDBOX_WEBHOOK_SECRET": SANDBOX_SECRET,
        "PAYMENT_SANDBOX_ENABLED": "true",
        "RATE_LIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
    }


def _wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return predicate()


def _lock_waiters(database: str) -> int:
    with psycopg.connect(db_url(database), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'", (database,)
        ).fetchone()
    return row[0]


def test_redis_dropping_under_load_the_worker_survives_and_drains(database, persistent_redis, tmp_path):
    redis = persistent_redis
    prefix = f"evt_load_{uuid.uuid4().hex[:8]}_"
    env = _env(database, redis.port, f"loopin-faults-{uuid.uuid4().hex[:6]}")
    proxy = TcpProxy(free_port(), "127.0.0.1", redis.port)
    proxy.start()
    worker_env = {**env, "REDIS_URL": f"redis://127.0.0.1:{proxy.port}/0", "CELERY_VISIBILITY_TIMEOUT_SECONDS": "5"}
    jobs = 120
    try:
        with AppServer(env, tmp_path) as app:
            assert _post_webhook(app.port, f"{prefix}slow")[0] == 200
            # The worker is busy: its first job waits on a row this test holds locked (a slow provider call
            # in production), so a message is delivered and unacknowledged while the consumer waits in BRPOP
            # for the next one. That is when a dropped connection used to end the worker.
            with psycopg.connect(db_url(database)) as lock, WorkerProcess(worker_env, tmp_path) as worker:
                lock.execute("SELECT id FROM payments_paymentevent WHERE event_id = %s FOR UPDATE", (f"{prefix}slow",))
                worker.wait_ready()
                assert _wait_until(lambda: _lock_waiters(database) == 1, 30), worker.tail()
                for outage in (0.5, 1.5, 0.2):
                    proxy.cut()  # an RST on each of the worker's Redis connections
                    time.sleep(outage)
                    proxy.restore()
                    time.sleep(1.0)
                    assert worker.alive, worker.tail()
                lock.rollback()  # the slow job may finish now
                statuses = [_post_webhook(app.port, f"{prefix}{i}")[0] for i in range(jobs)]
                assert statuses == [200] * jobs
                # Under load the connection drops again and again, then Redis itself stops (the queue is
                # kept on disk) and comes back on the same port.
                for pause, outage in ((0.3, 0.3), (0.6, 1.5), (0.2, 0.1), (0.8, 2.0)):
                    time.sleep(pause)
                    proxy.cut()
                    time.sleep(outage)
                    proxy.restore()
                    assert worker.alive, worker.tail()
                redis.stop()
                time.sleep(3)
                assert worker.alive, worker.tail()
                redis.start()
                # Jobs the dead connections still held come back after the visibility timeout (5 s here).
                # A message that BRPOP had taken off the list when its connection died never reaches the
                # worker (the Redis transport loses that reply): at most one per cut or stop (8 here). Its
                # webhook is stored, so the sweeper (beat's `payments.reconcile`) applies it.
                _wait_until(lambda: _unprocessed(database, prefix) == 0, 60)
                lost = _unprocessed(database, prefix)
                assert lost <= 8, (lost, worker.tail())
                assert run_sweeper(env, tmp_path) == lost
                assert _unprocessed(database, prefix) == 0
                assert worker.alive, worker.tail()
                assert "Unrecoverable error" not in worker.log.read_text(errors="replace")
            assert _stored(database, prefix) == jobs + 1
    finally:
        proxy.stop()


def test_webhooks_during_a_redis_outage_are_acknowledged_and_applied_later(database, persistent_redis, tmp_path):
    redis = persistent_redis
    prefix = f"evt_outage_{uuid.uuid4().hex[:8]}_"
    env = _env(database, redis.port, f"loopin-faults-{uuid.uuid4().hex[:6]}")
    with AppServer(env, tmp_path) as app:
        assert _post_webhook(app.port, f"{prefix}warm")[0] == 200
        redis.stop()
        # Stored, so answered 200 (not 500): the provider must not resend what we hold.
        status, body = _post_webhook(app.port, f"{prefix}1")
        assert (status, body["data"]["duplicate"]) == (200, False), body
        assert (_stored(database, prefix + "1"), _unprocessed(database, prefix + "1")) == (1, 1)
        # The provider retries anyway while Redis is away: acknowledged, still stored once.
        status, body = _post_webhook(app.port, f"{prefix}1")
        assert (status, body["data"]["duplicate"]) == (200, True), body
        assert _stored(database, prefix + "1") == 1

        redis.start()
        with WorkerProcess(env, tmp_path) as worker:
            worker.wait_ready()
            # The next retry of the stored, unprocessed event queues it again, and the worker applies it.
            assert _post_webhook(app.port, f"{prefix}1")[0] == 200
            assert _wait_until(lambda: _unprocessed(database, prefix) == 0, 30), worker.tail()
    with psycopg.connect(db_url(database), autocommit=True) as conn:
        result = conn.execute(
            "SELECT result FROM payments_paymentevent WHERE event_id = %s", (f"{prefix}1",)
        ).fetchone()[0]
    assert result == "ignored: no order"
