"""A small HTTP/1.1 keep-alive load generator (asyncio + uvloop), run as its own process by bench/run.py.

    python -m bench.load --port 8000 --path /api/v2/events --mode closed --connections 32 --duration 10
    python -m bench.load --port 8000 --path /api/v2/events --mode open --rate 150 --duration 10

closed: N connections each send the next request as soon as the previous answer arrives (saturation).
open:   requests are *scheduled* at a fixed rate and latency counts from the scheduled time, so a slow
        server cannot hide its queueing (no coordinated omission).
Several `--header` values rotate per request (e.g. many users' tokens via --headers-file, one per line).
Prints one JSON line: requests, errors, non_2xx, rps, p50_ms, p90_ms, p99_ms, max_ms.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
from typing import Any


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class Conn:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, host: str, port: int) -> Conn:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer)

    async def request(self, raw: bytes) -> int:
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        chunked = False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            lname = name.strip().lower()
            if lname == b"content-length":
                length = int(value.strip())
            elif lname == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
        if chunked:
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        elif length:
            await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.writer.close()


def build_requests(host: str, port: int, method: str, path: str, headers: list[str], body: bytes) -> list[bytes]:
    variants = headers or [""]
    out = []
    for extra in variants:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: application/json"]
        if extra:
            lines.append(extra)
        if body:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        out.append(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    return out


async def closed_loop(args: Any, requests: list[bytes]) -> dict[str, Any]:
    latencies: list[float] = []
    counts = {"errors": 0, "non_2xx": 0}
    cycle = itertools.cycle(requests)
    warm_until = time.perf_counter() + args.warmup
    stop_at = warm_until + args.duration

    async def worker() -> None:
        conn = await Conn.open(args.host, args.port)
        try:
            while (now := time.perf_counter()) < stop_at:
                started = now
                try:
                    status = await conn.request(next(cycle))
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    counts["errors"] += 1
                    conn.close()
                    conn = await Conn.open(args.host, args.port)
                    continue
                done = time.perf_counter()
                if started >= warm_until:
                    latencies.append(done - started)
                    if not 200 <= status < 300:
                        counts["non_2xx"] += 1
        finally:
            conn.close()

    await asyncio.gather(*(worker() for _ in range(args.connections)))
    return _summary(latencies, counts, args.duration)


async def open_loop(args: Any, requests: list[bytes]) -> dict[str, Any]:
    latencies: list[float] = []
    counts = {"errors": 0, "non_2xx": 0}
    idle: list[Conn] = []
    cycle = itertools.cycle(requests)
    interval = 1.0 / args.rate
    start = time.perf_counter()
    warm_until = start + args.warmup
    stop_at = warm_until + args.duration
    tasks: set[asyncio.Task] = set()

    async def one(scheduled: float, raw: bytes) -> None:
        reused = bool(idle)
        conn = idle.pop() if idle else await Conn.open(args.host, args.port)
        try:
            status = await conn.request(raw)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            conn.close()
            if not reused:
                counts["errors"] += 1
                return
            # The server closed an idle keep-alive connection: what a client does is reconnect once.
            conn = await Conn.open(args.host, args.port)
            try:
                status = await conn.request(raw)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                counts["errors"] += 1
                conn.close()
                return
        done = time.perf_counter()
        idle.append(conn)
        if scheduled >= warm_until:
            latencies.append(done - scheduled)
            if not 200 <= status < 300:
                counts["non_2xx"] += 1

    n = 0
    while True:
        scheduled = start + n * interval
        if scheduled >= stop_at:
            break
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(scheduled, next(cycle)))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        n += 1
    if tasks:
        await asyncio.wait(tasks, timeout=30)
    for conn in idle:
        conn.close()
    return _summary(latencies, counts, args.duration)


def _summary(latencies: list[float], counts: dict[str, int], duration: float) -> dict[str, Any]:
    ms = [v * 1000 for v in latencies]
    return {
        "requests": len(ms),
        "errors": counts["errors"],
        "non_2xx": counts["non_2xx"],
        "rps": round(len(ms) / duration, 1),
        "p50_ms": round(percentile(ms, 50), 2),
        "p90_ms": round(percentile(ms, 90), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "max_ms": round(max(ms), 2) if ms else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/api/v2/events")
    parser.add_argument("--method", default="GET")
    parser.add_argument("--body", default="")
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--headers-file", help="one header line per request variant, rotated")
    parser.add_argument("--mode", choices=["closed", "open"], default="closed")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    args = parser.parse_args()
    headers = list(args.header)
    if args.headers_file:
        with open(args.headers_file) as fh:
            headers += [line.strip() for line in fh if line.strip()]
    requests = build_requests(args.host, args.port, args.method, args.path, headers, args.body.encode())
    runner = closed_loop if args.mode == "closed" else open_loop
    try:
        import uvloop

        result = uvloop.run(runner(args, requests))
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        result = asyncio.run(runner(args, requests))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
