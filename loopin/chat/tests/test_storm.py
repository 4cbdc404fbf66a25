"""The reconnect storm: 50 clients, random disconnects while 2,000 messages flow. Every client ends with
every message exactly once, in sequence order, using only the documented client algorithm (docs/REALTIME.md):
apply `message` events in seq order, hold early ones, `sync` from the last applied seq on every (re)connect and
when a gap lasts, and retry an unacknowledged send with the same client_message_id."""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

import socketio

from loopin.accounts.services import session_start
from loopin.chat.models import Member, MemberRole, Message
from loopin.chat.services.groups import event_chat_open
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory

CLIENTS = 50
SENDERS = 10
MESSAGES = 2_000
DEADLINE_SECONDS = 240


class Phone:
    """One member's app: the client side of the no-loss protocol."""

    def __init__(self, url: str, token: str, conv: str) -> None:
        self.url, self.token, self.conv = url, token, conv
        self.applied: list[int] = []
        self.last = 0
        self.held: dict[int, dict[str, Any]] = {}
        self.gap_since: float | None = None
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("message", self.on_message)
        self.reconnects = 0
        self.lock = asyncio.Lock()

    def _apply(self, m: dict[str, Any]) -> None:
        seq = m["seq"]
        if seq <= self.last:
            return  # already applied (live and in a sync answer): seen once
        if seq > self.last + 1:
            self.held[seq] = m
            self.gap_since = self.gap_since or time.monotonic()
            return
        self.applied.append(seq)
        self.last = seq
        while self.last + 1 in self.held:
            self.applied.append(self.held.pop(self.last + 1)["seq"])
            self.last += 1
        self.held = {s: v for s, v in self.held.items() if s > self.last}
        self.gap_since = time.monotonic() if self.held else None

    async def on_message(self, m: dict[str, Any]) -> None:
        self._apply(m)

    async def sync(self) -> None:
        while self.sio.connected:
            try:
                answer = await self.sio.call(
                    "sync", {"conversations": [{"conversation_id": self.conv, "after_seq": self.last}]}, timeout=10
                )
            except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
                return
            more = False
            for c in answer["data"]["conversations"]:
                for m in c["messages"]:
                    self._apply(m)
                more = more or c["has_more"]
            if not more:
                return

    async def connect(self) -> None:
        async with self.lock:
            while not self.sio.connected:
                try:
                    await self.sio.connect(
                        self.url, auth={"token": self.token}, transports=["websocket"], wait_timeout=10
                    )
                except socketio.exceptions.ConnectionError:
                    await asyncio.sleep(0.1)
            await self.sync()

    async def drop(self) -> None:
        async with self.lock:
            if self.sio.connected:
                await self.sio.disconnect()
                self.reconnects += 1

    async def watch_gaps(self) -> None:
        if self.gap_since and time.monotonic() - self.gap_since > 1 and self.sio.connected:
            await self.sync()


async def _send_all(phone: Phone, ids: list[str]) -> int:
    retries = 0
    for i, cid in enumerate(ids):
        while True:
            if not phone.sio.connected:
                await phone.connect()
            try:
                ack = await phone.sio.call(
                    "send",
                    {"conversation_id": phone.conv, "client_message_id": cid, "body": f"m{i}"},
                    timeout=10,
                )
            except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
                retries += 1
                continue  # no ack: send again with the same client id
            if ack["success"]:
                break
            retries += 1
            await asyncio.sleep(0.05)
    return retries


def test_a_reconnect_storm_loses_nothing_and_repeats_nothing(live, interests, app_settings):

    app_settings.REALTIME_SEND_RATE_SOCKET = "100000/minute"
    app_settings.REALTIME_SEND_RATE_USER = "100000/minute"
    app_settings.REALTIME_EVENT_RATE = "100000/minute"
    host = UserWithProfileFactory()
    conv = event_chat_open(event_id=PublishedEventFactory(host=host).id)
    people = [host] + [UserWithProfileFactory() for _ in range(CLIENTS - 1)]
    Member.objects.bulk_create([Member(conversation=conv, user=p, role=MemberRole.MEMBER) for p in people[1:]])
    tokens = [session_start(user=p).access_token for p in people]
    rng = random.Random(14)

    async def scenario() -> list[Phone]:
        phones = [Phone(live.url, t, str(conv.id)) for t in tokens]
        await asyncio.gather(*(p.connect() for p in phones))
        per_sender = MESSAGES // SENDERS
        sending = asyncio.gather(
            *(_send_all(phones[s], [f"s{s}-{i}" for i in range(per_sender)]) for s in range(SENDERS))
        )
        started = time.monotonic()
        while not sending.done():
            victims = rng.sample(phones, 3)
            await asyncio.gather(*(v.drop() for v in victims))
            await asyncio.sleep(rng.uniform(0.05, 0.3))
            await asyncio.gather(*(v.connect() for v in victims))
            await asyncio.sleep(rng.uniform(0.1, 0.4))
            for p in phones:
                await p.watch_gaps()
            assert time.monotonic() - started < DEADLINE_SECONDS, "the storm took too long"
        await sending
        print(
            f"storm: {MESSAGES} messages in {time.monotonic() - started:.1f}s, "
            f"{sum(p.reconnects for p in phones)} reconnects"
        )
        deadline = time.monotonic() + 60
        while any(p.last < MESSAGES for p in phones) and time.monotonic() < deadline:
            for p in phones:
                if not p.sio.connected:
                    await p.connect()
                await p.watch_gaps()
            await asyncio.sleep(0.2)
        for p in phones:
            await p.sync()
            await p.sio.disconnect()
        return phones

    phones = asyncio.run(scenario())
    assert Message.objects.filter(conversation=conv).count() == MESSAGES
    assert sum(p.reconnects for p in phones) > 50  # the storm really happened
    expected = list(range(1, MESSAGES + 1))
    for p in phones:
        assert p.applied == expected
