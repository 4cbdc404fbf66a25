"""Fault tests against a real server process (`make faults`, run by .ci/run).

Each test starts what it breaks: its own redis-server on a free port, a TCP proxy it controls in front
of PostgreSQL, and the production server command (`python -m loopin.config.serve`). The machine's
shared PostgreSQL and Redis are never stopped; the tests only create (and drop) a database of their own.

Needs: PostgreSQL reachable at FAULTS_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres)
and the `redis-server` binary.
"""

from __future__ import annotations

import json
import signal
import socket
import time

import psycopg
import pytest

from faults.harness import ADMIN_URL, AppServer, TcpProxy, db_url, free_port, http, sockets_on, worker_pids


def _envelope(response: tuple[int, dict, dict], status: int, code: str) -> dict:
    got_status, headers, body = response
    assert got_status == status, body
    assert body["success"] is False
    assert body["error_code"] == code
    assert isinstance(body["error"], str) and body["error"]
    return headers


def test_redis_stopped_the_api_answers_global_caps_fall_back_and_otp_fails_closed(database, own_redis, tmp_path):
    redis = own_redis
    env = {
        "DATABASE_URL": db_url(database),
        "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
        "CELERY_ALWAYS_EAGER": "true",  # no worker here; what is tested is the request path
        "RATE_LIMIT_ANON": "6/minute",
        "SMS_BACKEND": "console",
    }
    with AppServer(env, tmp_path) as app:
        assert http(app.port, "GET", "/api/v2/events")[0] == 200
        assert http(app.port, "POST", "/api/auth/signup", {"phone_number": "+916205829376"})[0] == 200

        redis.stop()
        # The API still answers; the global caps are now counted in this process.
        # Redis counted the first two calls; the in-process counters start afresh, so six more pass.
        statuses = [http(app.port, "GET", "/api/v2/events")[0] for _ in range(6)]
        assert statuses == [200] * 6
        headers = _envelope(http(app.port, "GET", "/api/v2/events"), 429, "RATE_LIMITED")
        assert int(headers["retry-after"]) >= 1
        # Readiness names Redis; health (liveness) is not limited and still 200.
        status, _, body = http(app.port, "GET", "/api/health/ready")
        assert (status, body["details"]["down"]) == (503, ["redis"])
        assert http(app.port, "GET", "/api/health")[0] == 200

    # A fresh server (fresh in-process counters), Redis still down: OTP limits fail closed.
    with AppServer(env, tmp_path) as app:
        headers = _envelope(
            http(app.port, "POST", "/api/auth/signup", {"phone_number": "+916205829377"}), 503, "RATE_LIMIT_UNAVAILABLE"
        )
        assert headers["retry-after"] == "10"
        _envelope(
            http(app.port, "POST", "/api/auth/verify-otp", {"phone_number": "+916205829376", "otp_code": "0000"}),
            503,
            "RATE_LIMIT_UNAVAILABLE",
        )

        redis.start()  # back on the same port: no restart of the app needed
        deadline = time.monotonic() + 15
        while True:
            status = http(app.port, "POST", "/api/auth/signup", {"phone_number": "+916205829378"})[0]
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert status == 200


def test_database_unreachable_answers_503_and_recovers_without_restart(database, tmp_path):
    base = psycopg.conninfo.conninfo_to_dict(ADMIN_URL)
    proxy = TcpProxy(free_port(), base.get("host", "127.0.0.1"), int(base.get("port", 5432)))
    proxy.start()
    env = {
        "DATABASE_URL": db_url(database, proxy.port),
        "REDIS_URL": "",
        "DATABASE_POOL_MIN": "1",
        "DATABASE_POOL_TIMEOUT": "2",
    }
    try:
        with AppServer(env, tmp_path) as app:
            assert http(app.port, "GET", "/api/v2/events")[0] == 200
            assert http(app.port, "GET", "/api/auth/event-interests")[0] == 200

            proxy.cut()  # every open connection dropped, new ones refused
            started = time.monotonic()
            headers = _envelope(http(app.port, "GET", "/api/auth/event-interests"), 503, "DATABASE_UNAVAILABLE")
            assert headers["retry-after"] == "5"
            _envelope(
                http(app.port, "POST", "/api/auth/signup", {"phone_number": "+916205829370"}),
                503,
                "DATABASE_UNAVAILABLE",
            )
            status, _, body = http(app.port, "GET", "/api/health/ready")
            assert (status, body["details"]["down"]) == (503, ["database"])
            assert time.monotonic() - started < 15  # bounded by DATABASE_POOL_TIMEOUT, not hanging

            proxy.restore()
            deadline = time.monotonic() + 30
            while True:
                status = http(app.port, "GET", "/api/auth/event-interests")[0]
                if status == 200 or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            assert status == 200
            assert http(app.port, "GET", "/api/health/ready")[0] == 200
    finally:
        proxy.stop()


def test_sigterm_lets_an_in_flight_request_finish(database, tmp_path):
    env = {"DATABASE_URL": db_url(database), "REDIS_URL": "", "SMS_BACKEND": "console"}
    with AppServer(env, tmp_path, graceful_timeout=10) as app:
        body = json.dumps({"phone_number": "+916205829399"}).encode()
        sock = socket.create_connection(("127.0.0.1", app.port), timeout=15)
        head = (
            f"POST /api/auth/signup HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        sock.sendall(head + body[:10])  # the request is in flight: headers and half the body
        time.sleep(0.5)
        app.process.send_signal(signal.SIGTERM)
        time.sleep(1.0)
        # The server is draining: it no longer accepts new connections...
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", app.port), timeout=2).close()
        # ...but the request in flight completes normally.
        sock.sendall(body[10:])
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
        sock.close()
        status_line, _, rest = raw.partition(b"\r\n")
        assert status_line == b"HTTP/1.1 200 OK"
        payload = json.loads(rest.split(b"\r\n\r\n", 1)[1])
        assert payload["success"] is True
        assert payload["data"]["otp_sent"] is True
        # uvicorn exits by re-raising the signal once it has drained (not killed by a timeout).
        assert app.process.wait(timeout=15) == -signal.SIGTERM


def _read_response(sock: socket.socket) -> tuple[bytes, dict[bytes, bytes], bytes]:
    """One HTTP/1.1 response with a Content-Length from a socket: (status line, headers, body)."""
    raw = b""
    while b"\r\n\r\n" not in raw:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed without a response: {raw!r}"
        raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.split(b"\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(b":") for line in lines)}
    while len(body) < int(headers[b"content-length"]):
        body += sock.recv(65536)
    return status_line, headers, body


def test_sigterm_answers_a_request_on_a_kept_alive_connection_with_connection_close(database, tmp_path):
    env = {"DATABASE_URL": db_url(database), "REDIS_URL": "", "SMS_BACKEND": "console"}
    with AppServer(env, tmp_path, graceful_timeout=10) as app:
        sock = socket.create_connection(("127.0.0.1", app.port), timeout=15)
        request = b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n"
        sock.sendall(request)
        status_line, headers, _ = _read_response(sock)
        assert status_line == b"HTTP/1.1 200 OK"
        assert headers.get(b"connection") != b"close"  # kept alive
        app.process.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        # The next request on the idle kept-alive connection is answered, and the server says it closes.
        sock.sendall(request)
        status_line, headers, body = _read_response(sock)
        assert status_line == b"HTTP/1.1 200 OK"
        assert headers[b"connection"] == b"close"
        assert json.loads(body)["success"] is True
        assert sock.recv(65536) == b""  # then closed
        sock.close()
        assert app.process.wait(timeout=15) == -signal.SIGTERM


def test_a_burst_of_kept_alive_connections_is_spread_across_the_workers(database, tmp_path):
    # 32 clients connect at once (a door's scanners, a load balancer's pool) and keep their connections. On one
    # shared listening socket the first worker to wake accepts every connection waiting; with a socket per worker
    # (SO_REUSEPORT) the kernel spreads them by address hash (fewer than 4 of 32 on one of two: about 1 in 350,000).
    env = {"DATABASE_URL": db_url(database), "REDIS_URL": "", "SMS_BACKEND": "console"}
    with AppServer(env, tmp_path, workers=2) as app:
        for _ in range(100):  # both workers up (the port answers as soon as the first one listens)
            if len(worker_pids(app.process.pid)) == 2 and all(
                http(app.port, "GET", "/api/health")[0] == 200 for _ in range(8)
            ):
                break
            time.sleep(0.2)
        time.sleep(2)
        workers = worker_pids(app.process.pid)
        assert len(workers) == 2
        listening = [sockets_on(pid, app.port, "0A") for pid in workers]
        assert [len(each) for each in listening] == [1, 1]
        assert listening[0] != listening[1]  # each its own, not a copy of one shared socket
        assert sockets_on(app.process.pid, app.port, "0A") == set()  # the supervisor's bound socket takes nothing
        clients = [socket.create_connection(("127.0.0.1", app.port), timeout=15) for _ in range(32)]
        for client in clients:
            client.sendall(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        for client in clients:
            status_line, _, _ = _read_response(client)
            assert status_line == b"HTTP/1.1 200 OK"
        held = [len(sockets_on(pid, app.port, "01")) for pid in workers]
        assert sum(held) == 32
        assert min(held) >= 4, held
        for client in clients:
            client.close()
