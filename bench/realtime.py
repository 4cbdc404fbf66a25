"""The realtime section of `make bench`: Socket.IO chat beside two bare servers measured in the same run.

    python -m bench.realtime --quick                                (the whole section, about a minute)
    python -m bench.realtime seed --members 1000 --out FILE        (app environment: Django)
    python -m bench.realtime baseline --port P                      (bare websockets broadcast server)
    python -m bench.realtime bare-sio --port P                      (bare python-socketio broadcast server)
    python -m bench.realtime drive --port P --pid PID --kind app|sio|baseline --tokens FILE [--idle N]

`--quick` runs `bench.run --realtime-only --quick` (its own redis-server and a fresh PostgreSQL database,
migrated, dropped afterwards). `drive` runs in its own process with a light client (the `websockets`
library speaking Engine.IO 4 / Socket.IO 5 frames by hand, so the client costs little next to the server)
and prints one JSON line:

  idle          N connections held by one server process: RSS delta / N (KiB per connection)
  fanout        one message to a 1,000-member event chat, 20 times 250 ms apart: send-to-receive p50/p99
  sustained     messages sent back to back (8 awaiting their ack) for a few seconds: messages/s and
                deliveries/s (messages x receivers that got them)

The two bare servers do no auth and no storage: `sio` is python-socketio on uvicorn whose `send` handler
emits `message` to every socket and acks (the Socket.IO ceiling: our app's cost is everything above it);
`baseline` is a `websockets` server that broadcasts every text frame (websockets.broadcast), the Python
ceiling. Every wait has a timeout: a server that stops answering ends the run with an error, not a hang.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STAMP = re.compile(r"t=([0-9.]+)")
ACK_TIMEOUT = 30.0  # seconds for one ack
CONNECT_TIMEOUT = 30.0  # seconds for one handshake
PHASE_TIMEOUT = 120.0  # seconds for opening or closing all connections


# ---------------------------------------------------------------- seed (inside the app's environment)


def seed(members: int, out: Path) -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loopin.config.django_settings")
    import django

    django.setup()
    from datetime import timedelta

    from django.utils import timezone

    from loopin.accounts.models import AuthSession, User
    from loopin.accounts.tokens import access_token_issue
    from loopin.chat.models import Member, MemberRole
    from loopin.chat.services.groups import event_chat_open
    from loopin.events.models import Event, EventStatus

    now = timezone.now()
    people = User.objects.bulk_create(
        [User(phone_number=f"+9170{i:08d}", name=f"Chat member {i}", is_verified=True) for i in range(members + 1)]
    )
    host = people[0]
    event = Event.objects.create(
        host=host,
        title="Realtime bench night",
        slug="realtime-bench-night",
        canonical_id="rtbench01",
        start_at=now + timedelta(days=2),
        end_at=now + timedelta(days=2, hours=3),
        status=EventStatus.PUBLISHED,
        published_at=now,
    )
    conv = event_chat_open(event_id=event.id)
    Member.objects.bulk_create([Member(conversation=conv, user=u, role=MemberRole.MEMBER) for u in people[1:]])
    sessions = AuthSession.objects.bulk_create(
        [AuthSession(user=u, expires_at=now + timedelta(days=1)) for u in people]
    )
    tokens = [access_token_issue(user_id=s.user_id, session_id=s.id)[0] for s in sessions]
    out.write_text(json.dumps({"conversation_id": str(conv.id), "host": tokens[0], "members": tokens[1:]}))


# ---------------------------------------------------------------- the bare servers


async def baseline(port: int) -> None:
    import websockets

    clients: set[Any] = set()

    async def handle(ws: Any) -> None:
        clients.add(ws)
        try:
            async for frame in ws:
                websockets.broadcast(clients, frame)
        finally:
            clients.discard(ws)

    async with websockets.serve(handle, "127.0.0.1", port, compression=None, ping_interval=None, max_queue=None):
        await asyncio.Future()


def bare_sio(port: int) -> None:
    """python-socketio with nothing of ours: `send` is emitted to everyone as `message`, then acked."""
    import socketio
    import uvicorn

    sio = socketio.AsyncServer(async_mode="asgi", transports=["websocket"], http_compression=False)

    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        await sio.enter_room(sid, "all")

    @sio.on("send")
    async def send(sid: str, data: Any) -> dict[str, Any]:
        await sio.emit("message", data, room="all")
        return {"success": True, "message": "Sent", "data": None}

    app = socketio.ASGIApp(sio, socketio_path="socket.io")
    uvicorn.run(app, host="127.0.0.1", port=port, ws_per_message_deflate=False, log_level="warning", loop="uvloop")


# ---------------------------------------------------------------- the light client


class Conn:
    def __init__(self, ws: Any, kind: str) -> None:
        self.ws, self.kind = ws, kind
        self.latencies: list[float] = []
        self.count = 0
        self.acks: dict[int, asyncio.Future[str]] = {}
        self.next_id = 1
        self.task: asyncio.Task[None] | None = None

    @property
    def socketio(self) -> bool:
        return self.kind != "baseline"

    async def read(self) -> None:
        try:
            async for frame in self.ws:
                now = time.time()
                if self.socketio:
                    if frame == "2":
                        await self.ws.send("3")
                        continue
                    if frame.startswith("43"):
                        m = re.match(r"43(\d+)", frame)
                        fut = self.acks.pop(int(m.group(1)), None) if m else None
                        if fut is not None and not fut.done():
                            fut.set_result(frame)
                        continue
                    if not frame.startswith('42["message"'):
                        continue
                self.count += 1
                m = STAMP.search(frame)
                if m:
                    self.latencies.append(now - float(m.group(1)))
        except Exception:  # noqa: S110 - the connection closed at the end of the run
            pass

    async def send(self, conversation_id: str, body: str, cid: str) -> None:
        if not self.socketio:
            await asyncio.wait_for(self.ws.send(json.dumps({"body": body})), ACK_TIMEOUT)
            return
        ack_id = self.next_id
        self.next_id += 1
        fut: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.acks[ack_id] = fut
        payload = {"conversation_id": conversation_id, "client_message_id": cid, "body": body}
        await self.ws.send(f"42{ack_id}" + json.dumps(["send", payload]))
        try:
            frame = await asyncio.wait_for(fut, ACK_TIMEOUT)
        finally:
            self.acks.pop(ack_id, None)
        if '"success":true' not in frame.replace(" ", ""):
            raise RuntimeError(f"send refused: {frame[:300]}")

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ws.close(), 5)
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task


async def _handshake(port: int, kind: str, token: str) -> Any:
    import websockets

    if kind == "baseline":
        return await websockets.connect(
            f"ws://127.0.0.1:{port}/", compression=None, ping_interval=None, max_queue=None, close_timeout=5
        )
    ws = await websockets.connect(
        f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket",
        compression=None,
        ping_interval=None,
        max_queue=None,
        close_timeout=5,
    )
    await ws.recv()  # Engine.IO open
    await ws.send("40" + json.dumps({"token": token}))
    while True:
        frame = await ws.recv()
        if frame.startswith("40"):
            return ws
        if frame.startswith("44"):
            await ws.close()
            raise RuntimeError(f"refused: {frame[:300]}")


async def connect(port: int, kind: str, token: str) -> Conn:
    ws = await asyncio.wait_for(_handshake(port, kind, token), CONNECT_TIMEOUT)
    conn = Conn(ws, kind)
    conn.task = asyncio.create_task(conn.read())
    return conn


def rss_kib(pid: int) -> int:
    """RSS of the server process and its children (uvicorn may serve from a child)."""
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    total = 0
    for p in pids:
        with contextlib.suppress(OSError, AttributeError):
            total += int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{p}/status").read_text()).group(1))  # type: ignore[union-attr]
    return total


async def open_many(port: int, kind: str, tokens: list[str], n: int, concurrency: int = 32) -> list[Conn]:
    conns: list[Conn] = []
    sem = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with sem:
            conns.append(await connect(port, kind, tokens[i % len(tokens)]))

    try:
        await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(n))), PHASE_TIMEOUT)
    except BaseException:
        await close_all(conns)
        raise
    return conns


async def close_all(conns: list[Conn]) -> None:
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(asyncio.gather(*(c.close() for c in conns)), PHASE_TIMEOUT)


async def _until(done: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)


async def drive(port: int, pid: int, kind: str, data: dict[str, Any], idle: int, seconds: float) -> dict[str, Any]:
    members = data["members"]
    conv = data["conversation_id"]
    out: dict[str, Any] = {"kind": kind}
    await asyncio.sleep(0.5)
    before = rss_kib(pid)
    started = time.monotonic()
    conns = await open_many(port, kind, members, max(idle, 1))
    connect_s = time.monotonic() - started
    await asyncio.sleep(2)
    after = rss_kib(pid)
    out["idle"] = {
        "connections": len(conns),
        "connect_per_s": round(len(conns) / connect_s),
        "rss_before_mib": round(before / 1024, 1),
        "rss_after_mib": round(after / 1024, 1),
        "kib_per_connection": round((after - before) / len(conns), 1),
    }
    # Keep exactly one socket per member for the fan-out (1,000 members), plus the sender.
    receivers = conns[: len(members)]
    await close_all(conns[len(members) :])
    sender = await connect(port, kind, data["host"])
    try:
        for c in receivers:
            c.latencies.clear()
            c.count = 0
        for i in range(20):
            await sender.send(conv, f"t={time.time()}", f"fan-{i}")
            await asyncio.sleep(0.25)
        await _until(lambda: sum(len(c.latencies) for c in receivers) >= 20 * len(receivers), 5)
        lat = [v for c in receivers for v in c.latencies]
        out["fanout"] = {
            "members": len(receivers),
            "messages": 20,
            "deliveries": len(lat),
            "p50_ms": pct(lat, 0.5),
            "p99_ms": pct(lat, 0.99),
        }
        for c in receivers:
            c.count = 0
        sent = 0
        begun = time.monotonic()

        async def pump(worker: int) -> None:
            nonlocal sent
            while time.monotonic() - begun < seconds:
                await sender.send(conv, f"s={sent}", f"sus-{worker}-{sent}")
                sent += 1
                if kind == "baseline":
                    await asyncio.sleep(0)

        await asyncio.wait_for(asyncio.gather(*(pump(w) for w in range(8))), seconds + ACK_TIMEOUT)
        elapsed = time.monotonic() - begun
        # Let the last fan-outs land (they count: they were sent within the window), at most 10 s.
        expected = sent * len(receivers)
        await _until(lambda: sum(c.count for c in receivers) >= expected, 10)
        delivered = sum(c.count for c in receivers)
        out["sustained"] = {
            "seconds": round(elapsed, 1),
            "messages": sent,
            "messages_per_s": round(sent / elapsed, 1),
            "deliveries": delivered,
            "expected": expected,
            "deliveries_per_s": round(delivered / elapsed),
        }
    finally:
        await close_all([*receivers, sender])
    return out


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0].startswith("--"):
        # The whole section on its own: bench.run's servers, database and table, realtime only.
        from bench import run

        quick = ["--quick"] if "--quick" in argv else []
        rest = [a for a in argv if a != "--quick"]
        run.main(["--realtime-only", *quick, *rest])
        return
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("seed")
    s.add_argument("--members", type=int, default=1000)
    s.add_argument("--out", required=True)
    b = sub.add_parser("baseline")
    b.add_argument("--port", type=int, required=True)
    bs = sub.add_parser("bare-sio")
    bs.add_argument("--port", type=int, required=True)
    d = sub.add_parser("drive")
    d.add_argument("--port", type=int, required=True)
    d.add_argument("--pid", type=int, required=True)
    d.add_argument("--kind", choices=["app", "sio", "baseline"], required=True)
    d.add_argument("--tokens", required=True)
    d.add_argument("--idle", type=int, default=2000)
    d.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    if args.cmd == "seed":
        seed(args.members, Path(args.out))
    elif args.cmd == "baseline":
        asyncio.run(baseline(args.port))
    elif args.cmd == "bare-sio":
        bare_sio(args.port)
    else:
        data = json.loads(Path(args.tokens).read_text())
        print(json.dumps(asyncio.run(drive(args.port, args.pid, args.kind, data, args.idle, args.seconds))))


if __name__ == "__main__":
    main()
