"""Live room state over real Socket.IO connections (python-socketio clients against uvicorn): everyone in
the room sees joins, hands, roles, mute, a ban and the end; a socket opened later is put in the room; the
person banned hears nothing more. The actions are the services the HTTP endpoints call (test_api.py goes
through HTTP), run on their own threads as requests are."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from django.db import connections

from loopin.accounts.services import session_start
from loopin.rooms import services, stage
from loopin.testing.live import Client, ThreadServer


def token(user: Any) -> str:
    return session_start(user=user).access_token


@pytest.fixture
def live(transactional_db: None, interests: list[Any]) -> Any:
    with ThreadServer() as server:
        yield server


def _closing(fn: Any) -> Any:
    def wrapped() -> Any:
        try:
            return fn()
        finally:
            connections.close_all()

    return wrapped


def test_everyone_in_the_room_sees_its_state_change(live, hana, sam, aya):
    tokens = {"hana": token(hana), "sam": token(sam), "sam2": token(sam), "aya": token(aya)}

    async def act(fn: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(_closing(lambda: fn(**kwargs)))

    async def scenario() -> dict[str, Any]:
        host = await Client(live.url, tokens["hana"]).connect()
        speaker = await Client(live.url, tokens["sam"]).connect()
        listener = await Client(live.url, tokens["aya"]).connect()
        out: dict[str, Any] = {}
        room = (await act(services.room_create, user=hana, title="Open mic")).room_id
        rid = str(room)
        await act(services.room_join, user=sam, room_id=room)
        out["host_saw_join"] = (await host.wait_for("room_member_joined", 2))[-1]  # her own first
        await speaker.wait_for("room_member_joined")  # his own socket is in the room now
        await act(services.room_join, user=aya, room_id=room)
        await host.wait_for("room_member_joined", 3)
        await listener.wait_for("room_member_joined")
        # a socket Sam opens now (a second device) is put in the room on connect
        tablet = await Client(live.url, tokens["sam2"]).connect()
        await act(stage.hand_set, user=sam, room_id=room, raised=True)
        out["hand"] = [(await c.wait_for("room_member_updated"))[-1] for c in (host, listener, tablet)]
        await act(stage.member_act, actor=hana, room_id=room, user_id=sam.id, action="invite_to_stage")
        out["role"] = [(await c.wait_for("room_member_updated", 2))[-1] for c in (host, speaker, listener)]
        await act(stage.member_act, actor=hana, room_id=room, user_id=sam.id, action="mute")
        out["mute"] = (await listener.wait_for("room_member_updated", 3))[-1]
        await act(stage.member_act, actor=hana, room_id=room, user_id=aya.id, action="ban")
        out["removed"] = (await listener.wait_for("room_removed"))[0]
        out["left"] = (await speaker.wait_for("room_member_left"))[0]
        await act(services.room_leave, user=hana, room_id=room)
        out["ended"] = [(await c.wait_for("room_ended"))[0] for c in (speaker, tablet)]
        await asyncio.sleep(0.2)
        out["banned_got"] = sorted(listener.received)
        out["banned_updates"] = len(listener.received["room_member_updated"])
        for c in (host, speaker, listener, tablet):
            await c.close()
        out["room_id"] = rid
        return out

    out = asyncio.run(scenario())
    rid = out["room_id"]
    assert out["host_saw_join"]["room_id"] == rid
    assert out["host_saw_join"]["member"]["user"] == {"id": str(sam.id), "name": "Sam"}
    assert out["host_saw_join"]["member"]["role"] == "audience"
    assert [(u["change"], u["member"]["user"]["name"], u["member"]["hand_raised"]) for u in out["hand"]] == [
        ("hand", "Sam", True)
    ] * 3
    assert [(u["change"], u["member"]["role"], u["member"]["hand_raised"]) for u in out["role"]] == [
        ("role", "speaker", False)
    ] * 3
    assert (out["mute"]["change"], out["mute"]["member"]["muted"]) == ("mute", True)
    assert out["removed"] == {"room_id": rid, "user_id": str(aya.id), "reason": "banned"}
    assert out["left"] == {"room_id": rid, "user_id": str(aya.id), "reason": "banned"}
    assert [e["end_reason"] for e in out["ended"]] == ["last_host_left", "last_host_left"]
    # once banned, Aya's socket left the room: no end, no further updates
    assert out["banned_got"] == ["room_member_joined", "room_member_left", "room_member_updated", "room_removed"]
    assert out["banned_updates"] == 3
