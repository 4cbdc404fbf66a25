"""The production server: uvicorn, one worker process per core, graceful shutdown.

    python -m loopin.config.serve [--host 0.0.0.0] [--port 8000] [--workers N] [--graceful-timeout 30]

On SIGTERM / SIGINT each worker stops accepting connections, lets in-flight requests finish (up to
`--graceful-timeout` seconds) and exits. With `PROMETHEUS_MULTIPROC_DIR` set, the directory is emptied
and created before the workers start, so `/metrics` aggregates only this server's processes.
"""

from __future__ import annotations

import argparse
import os
import shutil

import uvicorn

from loopin.config.settings import get_settings


def prepare_metrics_dir() -> str | None:
    path = get_settings().PROMETHEUS_MULTIPROC_DIR
    if not path:
        return None
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = path  # the workers inherit it
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="0.0.0.0")  # noqa: S104 - a server's job
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--graceful-timeout", type=int, default=30)
    args = parser.parse_args(argv)
    prepare_metrics_dir()
    uvicorn.run(
        "loopin.config.asgi:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        timeout_graceful_shutdown=args.graceful_timeout,
        access_log=False,  # RequestMiddleware logs one JSON line per request
        proxy_headers=False,  # X-Forwarded-For is judged by loopin.core.net against TRUSTED_PROXIES
        server_header=False,
        loop="uvloop",
        http="httptools",
        ws_per_message_deflate=False,  # Socket.IO frames are small JSON; deflate costs memory per connection
        ws_ping_interval=None,  # Engine.IO sends its own heartbeats
    )


if __name__ == "__main__":
    main()
