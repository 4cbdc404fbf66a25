"""The realtime section of `make bench`: Socket.IO chat against a bare `websockets` broadcast server.

    python -m bench.realtime seed --members 1000 --out FILE        (app environment: Django)
    python -m bench.realtime baseline --port P                      (the bare server)
    python -m bench.realtime drive --port P --pid PID --kind app|baseline --tokens FILE [--idle N]

`drive` runs in its own process with a light client (the `websockets` library speaking Engine.IO 4 /
Socket.IO 5 frames by hand, so the client costs little next to the server), and prints one JSON line:

  idle          N connections held by one server process: RSS delta / N (KiB per connection)
  fanout        one message to a 1,000-member event chat, 20 times 250 ms apart: send-to-receive p50/p99
  sustained     messages sent back to back (8 awaiting their ack) for a few seconds: deliveries per second

The baseline server does no auth, no storage and no Socket.IO framing: every text frame it gets is
broadcast to every connection (websockets.broadcast). It is the Python ceiling on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import time
from pathlib import Path
from typing import Any

STAMP = re.compile(r"t=([0-9.]+)")


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


# ---------------------------------------------------------------- the bare baseline server


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


# ---------------------------------------------------------------- the light client


class Conn:
    def __init__(self, ws: Any, kind: str) -> None:
        self.ws, self.kind = ws, kind
        self.latencies: list[float] = []
        self.count = 0
        self.acks: dict[int, asyncio.Future] = {}
        self.next_id = 1
        self.task: asyncio.Task | None = None

    async def read(self) -> None:
        try:
            async for frame in self.ws:
                now = time.time()
                if self.kind == "app":
                    if frame == "2":
                        await self.ws.send("3")
                        continue
                    if frame.startswith("43"):
                        ack_id = int(re.match(r"43(\d+)", frame).group(1))
                        fut = self.acks.pop(ack_id, None)
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
        if self.kind == "baseline":
            await self.ws.send(json.dumps({"body": body}))
            return
        ack_id = self.next_id
        self.next_id += 1
        fut = asyncio.get_running_loop().create_future()
        self.acks[ack_id] = fut
        payload = {"conversation_id": conversation_id, "client_message_id": cid, "body": body}
        await self.ws.send(f"42{ack_id}" + json.dumps(["send", payload]))
        await asyncio.wait_for(fut, 30)


async def connect(port: int, kind: str, token: str) -> Conn:
    import websockets

    if kind == "baseline":
        ws = await websockets.connect(f"ws://127.0.0.1:{port}/", compression=None, ping_interval=None, max_queue=None)
    else:
        ws = await websockets.connect(
            f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket",
            compression=None,
            ping_interval=None,
            max_queue=None,
            open_timeout=60,
        )
        await ws.recv()  # Engine.IO open
        await ws.send("40" + json.dumps({"token": token}))
        while True:
            frame = await ws.recv()
            if frame.startswith("40"):
                break
            if frame.startswith("44"):
                raise RuntimeError(f"refused: {frame}")
    conn = Conn(ws, kind)
    conn.task = asyncio.create_task(conn.read())
    return conn


def rss_kib(pid: int) -> int:
    return int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1))


async def open_many(port: int, kind: str, tokens: list[str], n: int, concurrency: int = 32) -> list[Conn]:
    conns: list[Conn] = []
    sem = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with sem:
            conns.append(await connect(port, kind, tokens[i % len(tokens)]))

    await asyncio.gather(*(one(i) for i in range(n)))
    return conns


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)


async def drive(port: int, pid: int, kind: str, data: dict[str, Any], idle: int, seconds: float) -> dict[str, Any]:
    members = data["members"]
    conv = data["conversation_id"]
    out: dict[str, Any] = {"kind": kind}
    await asyncio.sleep(1)
    before = rss_kib(pid)
    conns = await open_many(port, kind, members, idle)
    await asyncio.sleep(2)
    after = rss_kib(pid)
    out["idle"] = {
        "connections": len(conns),
        "rss_before_mib": round(before / 1024, 1),
        "rss_after_mib": round(after / 1024, 1),
        "kib_per_connection": round((after - before) / len(conns), 1),
    }
    # Keep exactly one socket per member for the fan-out (1,000 members), plus the sender.
    receivers = conns[: len(members)]
    for c in conns[len(members) :]:
        await c.ws.close()
    sender = await connect(port, kind, data["host"])
    for c in receivers:
        c.latencies.clear()
        c.count = 0
    for i in range(20):
        await sender.send(conv, f"t={time.time()}", f"fan-{i}")
        await asyncio.sleep(0.25)
    await asyncio.sleep(2)
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
    started = time.monotonic()

    async def pump(worker: int) -> None:
        nonlocal sent
        while time.monotonic() - started < seconds:
            await sender.send(conv, f"s={sent}", f"sus-{worker}-{sent}")
            sent += 1
            if kind == "baseline":
                await asyncio.sleep(0)

    await asyncio.gather(*(pump(w) for w in range(8)))
    elapsed = time.monotonic() - started
    await asyncio.sleep(3)  # let the last fan-outs land; they count (sent within the window)
    delivered = sum(c.count for c in receivers)
    out["sustained"] = {
        "seconds": round(elapsed, 1),
        "messages": sent,
        "deliveries": delivered,
        "deliveries_per_s": round(delivered / elapsed),
    }
    for c in [*receivers, sender]:
        await c.ws.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("seed")
    s.add_argument("--members", type=int, default=1000)
    s.add_argument("--out", required=True)
    b = sub.add_parser("baseline")
    b.add_argument("--port", type=int, required=True)
    d = sub.add_parser("drive")
    d.add_argument("--port", type=int, required=True)
    d.add_argument("--pid", type=int, required=True)
    d.add_argument("--kind", choices=["app", "baseline"], required=True)
    d.add_argument("--tokens", required=True)
    d.add_argument("--idle", type=int, default=2000)
    d.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    if args.cmd == "seed":
        seed(args.members, Path(args.out))
    elif args.cmd == "baseline":
        asyncio.run(baseline(args.port))
    else:
        data = json.loads(Path(args.tokens).read_text())
        print(json.dumps(asyncio.run(drive(args.port, args.pid, args.kind, data, args.idle, args.seconds))))


if __name__ == "__main__":
    main()
