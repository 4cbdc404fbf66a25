"""What the fault tests start and break: a redis-server, a TCP proxy, the app server, a tiny HTTP client."""

from __future__ import annotations

import asyncio
import http.client as httpclient
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psycopg

from loopin.testing.processes import free_port, process_stop, wait_for_port

ROOT = Path(__file__).resolve().parents[1]
ADMIN_URL = os.environ.get("FAULTS_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def db_url(name: str, port: int | None = None) -> str:
    """The URL of database `name` on the fault tests' PostgreSQL (through `port` when a proxy stands in front)."""
    base = psycopg.conninfo.conninfo_to_dict(ADMIN_URL)
    host, user = base.get("host", "127.0.0.1"), base.get("user", "postgres")
    password = f":{base['password']}" if base.get("password") else ""
    return f"postgresql://{user}{password}@{host}:{port or base.get('port', 5432)}/{name}"


def http(port: int, method: str, path: str, body: Any = None, timeout: float = 30.0) -> tuple[int, dict, Any]:
    """One request on a fresh connection: (status, lower-cased headers, parsed JSON or text)."""
    conn = httpclient.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        try:
            data: Any = json.loads(raw)
        except ValueError:
            data = raw.decode(errors="replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        conn.close()


class RedisServer:
    """A redis-server of our own that a test can stop and start again on one port.

    No persistence by default; `persistent=True` keeps an append-only file in `workdir` (as production's
    Redis does), so the queued jobs survive a stop and start.
    """

    def __init__(self, port: int, workdir: Path, *, persistent: bool = False) -> None:
        self.port = port
        self.workdir = workdir
        self.persistent = persistent
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install -y redis-server)")
        self.process = subprocess.Popen(
            [
                binary,
                *("--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *(("--appendonly", "yes", "--appendfsync", "always") if self.persistent else ("--appendonly", "no")),
            ],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, 10)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class TcpProxy:
    """Forwards 127.0.0.1:port to a target; `cut()` drops every connection and refuses new ones."""

    def __init__(self, port: int, target_host: str, target_port: int) -> None:
        self.port = port
        self.target = (target_host, target_port)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    def _run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=10)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        self.writers.update({client_writer, upstream_writer})
        await asyncio.gather(self._pipe(client_reader, upstream_writer), self._pipe(upstream_reader, client_writer))
        self.writers.difference_update({client_writer, upstream_writer})

    async def _listen(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)

    async def _cut(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        for writer in list(self.writers):
            transport = writer.transport
            transport.abort()  # RST, like a network failure
        self.writers.clear()

    def start(self) -> None:
        self.thread.start()
        self._run(self._listen())

    def cut(self) -> None:
        self._run(self._cut())

    def restore(self) -> None:
        self._run(self._listen())

    def stop(self) -> None:
        self._run(self._cut())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        self.loop.close()


class AppServer:
    """`python -m loopin.config.serve` (one worker unless told) on a free port, with the given environment."""

    def __init__(self, env: dict[str, str], workdir: Path, *, graceful_timeout: int = 5, workers: int = 1) -> None:
        self.workers = workers
        self.port = free_port()
        self.env = {
            **os.environ,
            "ENVIRONMENT": "development",
            "LOG_LEVEL": "WARNING",
            "DATA_DIR": str(workdir / "var"),
            **env,
        }
        self.env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self.graceful_timeout = graceful_timeout
        self.log = workdir / f"server-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> AppServer:
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "loopin.config.serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
                "--graceful-timeout",
                str(self.graceful_timeout),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(self.port, 60)
        except TimeoutError:
            self.__exit__(None, None, None)
            raise RuntimeError(self.log.read_text()) from None
        return self

    def __exit__(self, *exc: object) -> None:
        process_stop(self.process, 20)
        self._log_file.close()


def worker_pids(parent: int) -> list[int]:
    """The server's worker processes (children of the supervisor; multiprocessing's resource tracker left out)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rpartition(")")[2].split()[1]) == parent and b"resource_tracker" not in cmdline:
            pids.append(int(entry.name))
    return sorted(pids)


def sockets_on(pid: int, port: int, state: str) -> set[str]:
    """The inodes of the TCP sockets on local `port` (IPv4) in `state` ("0A" listening, "01" established) that
    the process `pid` holds (Linux /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == state and int(fields[1].rpartition(":")[2], 16) == port and fields[9] in inodes:
            found.add(fields[9])
    return found


def run_sweeper(env: dict[str, str], workdir: Path) -> int:
    """Run the stored-webhook sweeper once (what beat's `payments.reconcile` does every 5 minutes), now:
    stored webhooks still unprocessed are applied. Returns how many it applied."""
    code = (
        "import django; django.setup(); from loopin.payments.services import payment_events_retry; "
        "print(payment_events_retry(older_than_minutes=0))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            "ENVIRONMENT": "development",
            "DATA_DIR": str(workdir / "var"),
            "DJANGO_SETTINGS_MODULE": "loopin.config.django_settings",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return int(done.stdout.strip().splitlines()[-1])


# The production worker command (Makefile `worker`, compose.yaml, deploy/systemd/loopin-worker.service).
WORKER_ARGS = ["-A", "loopin.config.celery", "worker", "--without-gossip", "--without-mingle"]


class WorkerProcess:
    """`celery ... worker` (prefork, two children) with the given environment; `alive` says if it still runs."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env = {**os.environ, "ENVIRONMENT": "development", "DATA_DIR": str(workdir / "var"), **env}
        self.env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self.log = workdir / f"worker-{os.getpid()}-{free_port()}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> WorkerProcess:
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", *WORKER_ARGS, "--loglevel=INFO", "--concurrency", "2"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while b" ready." not in self.log.read_bytes():
            if not self.alive or time.monotonic() > deadline:
                raise RuntimeError(self.log.read_text(errors="replace")[-4000:])
            time.sleep(0.2)

    def tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def __exit__(self, *exc: object) -> None:
        process_stop(self.process, 30)
        self._log_file.close()
