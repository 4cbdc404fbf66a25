"""Real servers for realtime tests: the app under uvicorn in a thread of the test process, or in its own
processes (several workers sharing one Redis), and a redis-server of our own when the run has none."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import socketio
import uvicorn
from django.db import connection

from loopin.config.asgi import app
from loopin.realtime import delivery
from loopin.realtime.server import reset_for_new_loop, shutdown
from loopin.testing.processes import free_port, process_stop, wait_for_port

ROOT = Path(__file__).resolve().parents[2]


class ThreadServer:
    """The ASGI app under uvicorn on a free port, in a thread with its own event loop."""

    def __init__(self) -> None:
        reset_for_new_loop()
        self.port = free_port()
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            ws_per_message_deflate=False,
            ws_ping_interval=None,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, name=f"uvicorn-{self.port}", daemon=True)

    def _run(self) -> None:
        with asyncio.Runner(loop_factory=self.server.config.get_loop_factory()) as runner:
            runner.run(self._serve())

    async def _serve(self) -> None:
        """Serve until told to exit, then close the realtime server on this loop, before the loop closes:
        the disconnect handlers of the sockets uvicorn closed have run by then, and nothing reconnects."""
        try:
            await self.server.serve()
        finally:
            await shutdown()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ThreadServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
        delivery.detach()


class RedisServer:
    """A redis-server of our own on a free port (no persistence)."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def __enter__(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install -y redis-server)")
        self.process = subprocess.Popen(  # noqa: S603
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, 10)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)


class ProcessServer:
    """`uvicorn loopin.config.asgi:app` in its own process, on the test database and the given Redis."""

    def __init__(self, *, database_url: str, redis_url: str, key_prefix: str, workdir: Path) -> None:
        self.port = free_port()
        self.env = {
            **os.environ,
            "ENVIRONMENT": "development",
            "LOG_LEVEL": "WARNING",
            "DATA_DIR": str(workdir / "var"),
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": key_prefix,
            "CELERY_ALWAYS_EAGER": "true",
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self.log = workdir / f"server-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ProcessServer:
        self._log = self.log.open("wb")
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "uvicorn",
                "loopin.config.asgi:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--ws-per-message-deflate",
                "false",
                "--lifespan",
                "off",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(self.port, 60)
        except TimeoutError:
            self.__exit__()
            raise RuntimeError(self.log.read_text()) from None
        return self

    def __exit__(self, *exc: object) -> None:
        process_stop(self.process, 15)
        self._log.close()


def database_url() -> str:
    """The test database as a URL another process can open (pytest-django's test database, not the dev one)."""
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgresql://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    return f"sqlite:///{Path(s['NAME']).resolve()}"


class Client:
    """A python-socketio AsyncClient that records what it receives, for tests (run inside asyncio.run)."""

    def __init__(self, url: str, token: str | None) -> None:
        self.url = url
        self.token = token
        self.sio = socketio.AsyncClient(reconnection=False)
        self.received: dict[str, list[Any]] = {}
        self.sio.on("*", self._any)

    async def _any(self, event: str, data: Any = None) -> None:
        self.received.setdefault(event, []).append(data)

    async def connect(self) -> Client:
        await self.sio.connect(self.url, auth={"token": self.token}, transports=["websocket"], wait_timeout=10)
        return self

    async def call(self, event: str, data: Any = None, timeout: float = 10) -> Any:
        return await self.sio.call(event, data, timeout=timeout)

    async def wait_for(self, event: str, count: int = 1, timeout: float = 10) -> list[Any]:
        deadline = time.monotonic() + timeout
        while len(self.received.get(event, [])) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{event!r}: got {len(self.received.get(event, []))}, wanted {count}")
            await asyncio.sleep(0.01)
        return self.received[event]

    async def close(self) -> None:
        await self.sio.disconnect()
