"""Two server processes sharing rooms through Redis: a message, a join and a disconnect cross between them."""

from __future__ import annotations

import asyncio
import contextlib
import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from loopin.accounts.services import session_start
from loopin.chat.services.groups import event_chat_open
from loopin.core.settings import get_settings
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.live import Client, ProcessServer, RedisServer, database_url


@pytest.fixture
def two_workers(transactional_db: None, interests: list[Any], tmp_path: Any) -> Iterator[tuple[ProcessServer, ...]]:
    """Two uvicorn processes on the test database and one Redis (the run's, or one of our own)."""
    s = get_settings()
    with contextlib.ExitStack() as stack:
        if s.uses_redis:
            redis_url, prefix = s.REDIS_URL, f"{s.REDIS_KEY_PREFIX}-xproc"
        else:
            redis_url, prefix = stack.enter_context(RedisServer(tmp_path)).url, "loopin-xproc"
        servers = tuple(
            stack.enter_context(
                ProcessServer(database_url=database_url(), redis_url=redis_url, key_prefix=prefix, workdir=tmp_path)
            )
            for _ in range(2)
        )
        yield servers


def _post(url: str, body: dict[str, Any], token: str) -> int:
    request = urllib.request.Request(  # noqa: S310 - a local test server
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
        return response.status


def test_rooms_joins_and_disconnects_cross_worker_processes(two_workers):

    one, two = two_workers
    host, guest = UserWithProfileFactory(), UserWithProfileFactory()
    event = PublishedEventFactory(host=host)
    conv = str(event_chat_open(event_id=event.id).id)
    host_token, guest_token = session_start(user=host).access_token, session_start(user=guest).access_token

    async def scenario() -> dict[str, Any]:
        on_one = await Client(one.url, host_token).connect()
        on_two = await Client(two.url, guest_token).connect()
        # The guest joins over HTTP on worker one; their socket on worker two enters the room.
        status = await asyncio.to_thread(
            _post, f"{one.url}/api/v2/events/{event.id}/confirm-attendance", {"seats": 1}, guest_token
        )
        joined = await on_two.wait_for("conversation", timeout=20)
        sent = await on_one.call("send", {"conversation_id": conv, "client_message_id": "x1", "body": "across"})
        got = await on_two.wait_for("message", timeout=20)
        await on_two.call("typing", {"conversation_id": conv})
        typing = await on_one.wait_for("typing", timeout=20)
        # Signing out on worker one ends the socket on worker two.
        await asyncio.to_thread(_post, f"{one.url}/api/auth/logout", {}, guest_token)
        ended = await on_two.wait_for("session_ended", timeout=20)
        for _ in range(200):
            if not on_two.sio.connected:
                break
            await asyncio.sleep(0.05)
        result = {
            "status": status,
            "joined": joined,
            "sent": sent,
            "got": got,
            "typing": typing,
            "ended": ended,
            "two_connected": on_two.sio.connected,
        }
        await on_one.close()
        return result

    r = asyncio.run(scenario())
    assert r["status"] == 201
    assert [c["id"] for c in r["joined"]] == [conv]
    assert r["sent"]["data"]["message"]["seq"] == 1
    assert [(m["seq"], m["body"]) for m in r["got"]] == [(1, "across")]
    assert r["typing"] == [{"conversation_id": conv, "user_id": str(guest.id), "typing": True}]
    assert r["ended"][0]["error_code"] == "SESSION_ENDED"
    assert r["two_connected"] is False
