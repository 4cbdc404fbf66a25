"""The production server: uvicorn, one worker process per core, graceful shutdown.

    python -m loopin.config.serve [--host 0.0.0.0] [--port 8000] [--workers N] [--graceful-timeout 30]

On SIGTERM / SIGINT each worker stops accepting connections, lets in-flight requests finish (up to
`--graceful-timeout` seconds) and exits. Idle kept-alive connections are not cut at once: for
`IDLE_DRAIN_SECONDS` a request arriving on one is still answered, with `Connection: close`
(`DrainingHttpToolsProtocol`). With `PROMETHEUS_MULTIPROC_DIR` set, the directory is emptied and created
before the workers start, so `/metrics` aggregates only this server's processes.

With more than one worker on Linux, each worker listens on a socket of its own (SO_REUSEPORT) and the kernel
spreads new connections across them (`WorkerListener`). On one shared socket the first worker to wake accepts
every connection that is waiting, so a burst of kept-alive clients (a door's scanners, a load balancer's pool)
lands on one worker while the others idle.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.supervisors import Multiprocess

from loopin.core.settings import get_settings

APP = "loopin.config.asgi:app"
IDLE_DRAIN_SECONDS = 2.0


class DrainingHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, except that shutdown closes an idle kept-alive connection only after a
    short drain; any request that arrives meanwhile (or is in flight) is answered with `Connection: close`.
    uvicorn's own shutdown closes idle connections at once, so a request the client had just sent on one
    got no answer at all."""

    draining = False

    def shutdown(self) -> None:
        self.draining = True
        if self.cycle is None or self.cycle.response_complete:
            self.loop.call_later(IDLE_DRAIN_SECONDS, self._close_if_idle)
        else:
            self.cycle.keep_alive = False

    def _close_if_idle(self) -> None:
        if (self.cycle is None or self.cycle.response_complete) and not self.transport.is_closing():
            self.transport.close()

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        if self.draining and self.cycle is not None:
            self.cycle.keep_alive = False  # answered, then closed


def reuse_port_socket(family: int, address: tuple[str, int]) -> socket.socket:
    """A socket bound to `address` with SO_REUSEPORT (a worker's own listener; `create_server` listens on it)."""
    sock = socket.socket(family=family)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    sock.set_inheritable(True)
    return sock


class WorkerListener(socket.socket):
    """The supervisor's socket, bound but never listening; each worker that uvicorn spawns (or respawns) is handed
    a socket of its own on the same address instead of a copy of this one: pickling it for the child recreates it
    there (`reuse_port_socket`). Only listening sockets take connections, so this one takes none."""

    @classmethod
    def bound(cls, host: str, port: int) -> WorkerListener:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = cls(family=family)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        return sock

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, tuple[int, tuple[str, int]]]:
        return reuse_port_socket, (int(self.family), self.getsockname()[:2])


def prepare_metrics_dir() -> str | None:
    path = get_settings().PROMETHEUS_MULTIPROC_DIR
    if not path:
        return None
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = path  # the workers inherit it
    return path


def run(app: str, **options: Any) -> None:
    """`uvicorn.run(app, **options)`, except that several workers on Linux each listen on their own socket."""
    if options.get("workers", 1) < 2 or sys.platform != "linux":  # elsewhere SO_REUSEPORT does not spread them
        uvicorn.run(app, **options)
        return
    config = uvicorn.Config(app, **options)
    try:
        listener = WorkerListener.bound(config.host, config.port)
    except OSError as exc:
        sys.exit(f"Cannot listen on {config.host}:{config.port}: {exc}")
    try:
        Multiprocess(config, sockets=[listener]).run()
    except KeyboardInterrupt:
        pass
    finally:
        listener.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="0.0.0.0")  # noqa: S104 - a server's job
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--graceful-timeout", type=int, default=30)
    args = parser.parse_args(argv)
    prepare_metrics_dir()
    options: dict[str, Any] = dict(
        host=args.host,
        port=args.port,
        workers=args.workers,
        timeout_graceful_shutdown=args.graceful_timeout,
        access_log=False,  # RequestMiddleware logs one JSON line per request
        proxy_headers=False,  # X-Forwarded-For is judged by loopin.core.net against TRUSTED_PROXIES
        server_header=False,
        loop="uvloop",
        http=DrainingHttpToolsProtocol,
        ws_per_message_deflate=False,  # Socket.IO frames are small JSON; deflate costs memory per connection
        ws_ping_interval=None,  # Engine.IO sends its own heartbeats
    )
    run(APP, **options)


if __name__ == "__main__":
    main()
