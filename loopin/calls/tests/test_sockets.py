"""Calls over real Socket.IO connections: python-socketio AsyncClients against uvicorn (ring, answer on one of
two devices, offer/answer/candidates relayed between the two devices in the call, hang up)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from django.db import connections
from django.utils import timezone

from loopin.accounts.services import session_start
from loopin.calls import services
from loopin.calls.models import Call, CallState, EndReason
from loopin.calls.tests.conftest import befriend
from loopin.people.services.blocks import block_create
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.live import Client


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def token(user: Any) -> str:
    """A new signed-in session: one device."""
    return session_start(user=user).access_token


def _closing(fn: Any) -> Any:
    def wrapped() -> Any:
        try:
            return fn()
        finally:
            connections.close_all()

    return wrapped


async def in_thread(fn: Any) -> Any:
    return await asyncio.to_thread(_closing(fn))


def test_a_whole_call_rings_both_devices_one_answers_signals_pass_and_it_ends(live, ana, ben):
    tokens = {"ana": token(ana), "phone": token(ben), "tablet": token(ben)}
    offer, answer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n", "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n"
    candidate = {"candidate": "candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host", "sdp_mid": "0",
                 "sdp_m_line_index": 0}  # fmt: skip

    async def scenario() -> dict[str, Any]:
        caller = await Client(live.url, tokens["ana"]).connect()
        phone = await Client(live.url, tokens["phone"]).connect()
        tablet = await Client(live.url, tokens["tablet"]).connect()
        out: dict[str, Any] = {}
        out["initiate"] = await caller.call("initiate_call", {"callee_id": str(ben.id), "media": "video"})
        call_id = out["initiate"]["data"]["call_id"]
        out["rang"] = [(await d.wait_for("incoming_call"))[0] for d in (phone, tablet)]
        out["accept"] = await phone.call("accept_call", {"call_id": call_id})
        out["accepted"] = (await caller.wait_for("call_accepted"))[0]
        out["stopped"] = (await tablet.wait_for("call_stopped"))[0]
        out["late_accept"] = await tablet.call("accept_call", {"call_id": call_id})
        out["offer_ack"] = await caller.call("webrtc_offer", {"call_id": call_id, "sdp": offer})
        out["offer"] = (await phone.wait_for("webrtc_offer"))[0]
        out["answer_ack"] = await phone.call("webrtc_answer", {"call_id": call_id, "sdp": answer})
        out["answer"] = (await caller.wait_for("webrtc_answer"))[0]
        await caller.call("webrtc_candidate", {"call_id": call_id, **candidate})
        await phone.call("webrtc_candidate", {"call_id": call_id, **candidate})
        out["to_phone"] = (await phone.wait_for("webrtc_candidate"))[0]
        out["to_caller"] = (await caller.wait_for("webrtc_candidate"))[0]
        out["intruder"] = await tablet.call("webrtc_candidate", {"call_id": call_id, **candidate})
        out["end"] = await caller.call("end_call", {"call_id": call_id})
        out["ended"] = [(await d.wait_for("call_ended"))[0] for d in (phone, tablet)]
        await asyncio.sleep(0.1)
        out["tablet_got"] = sorted(tablet.received)
        out["phone_stopped"] = phone.received.get("call_stopped")
        for c in (caller, phone, tablet):
            await c.close()
        return out

    out = run(scenario())
    call_id = out["initiate"]["data"]["call_id"]
    assert out["initiate"]["success"] is True
    assert out["initiate"]["data"]["state"] == "ringing"
    assert [r["call_id"] for r in out["rang"]] == [call_id, call_id]
    assert out["rang"][0]["caller"] == {"id": str(ana.id), "name": "Ana"}
    assert out["rang"][0]["media"] == "video"
    assert out["accept"]["success"] is True
    assert out["accepted"]["state"] == "accepted"
    assert (out["stopped"]["call_id"], out["stopped"]["reason"]) == (call_id, "answered_elsewhere")
    assert out["phone_stopped"] is None  # the device that answered keeps the call
    assert out["late_accept"]["error_code"] == "ANSWERED_ELSEWHERE"
    assert out["offer_ack"]["success"] is True
    assert out["offer"] == {"call_id": call_id, "from": str(ana.id), "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}
    assert out["answer"] == {"call_id": call_id, "from": str(ben.id), "sdp": "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n"}
    assert out["to_phone"]["from"] == str(ana.id)
    assert out["to_caller"]["from"] == str(ben.id)
    assert out["to_caller"]["candidate"] == candidate["candidate"]
    assert out["to_caller"]["sdp_m_line_index"] == 0
    assert out["intruder"]["error_code"] == "CALL_NOT_CONNECTED"
    assert out["end"]["data"]["state"] == "ended"
    assert [e["state"] for e in out["ended"]] == ["ended", "ended"]
    # the other device never saw the media negotiation
    assert out["tablet_got"] == ["call_ended", "call_stopped", "incoming_call"]
    stored = Call.objects.get(id=call_id)
    assert (stored.state, stored.end_reason) == (CallState.ENDED, EndReason.HANGUP)


def test_a_rejected_call_tells_the_caller_and_stops_the_other_devices(live, ana, ben):
    tokens = {"ana": token(ana), "phone": token(ben), "tablet": token(ben)}

    async def scenario() -> tuple[Any, Any, Any]:
        caller = await Client(live.url, tokens["ana"]).connect()
        phone = await Client(live.url, tokens["phone"]).connect()
        tablet = await Client(live.url, tokens["tablet"]).connect()
        placed = await caller.call("initiate_call", {"callee_id": str(ben.id)})
        await tablet.wait_for("incoming_call")
        ack = await phone.call("reject_call", {"call_id": placed["data"]["call_id"]})
        told = (await caller.wait_for("call_rejected"))[0]
        stopped = (await tablet.wait_for("call_stopped"))[0]
        for c in (caller, phone, tablet):
            await c.close()
        return ack, told, stopped

    ack, told, stopped = run(scenario())
    assert ack["data"]["state"] == "rejected"
    assert (told["state"], told["end_reason"]) == ("rejected", "declined")
    assert stopped["reason"] == "rejected"


def test_strangers_blocked_people_and_busy_callees_are_refused_in_the_ack(live, ana, ben, cleo):
    dan = UserWithProfileFactory(name="Dan")
    block_create(user=dan, blocked_id=ana.id)
    tokens = {"ana": token(ana), "cleo": token(cleo), "ben": token(ben)}

    async def scenario() -> dict[str, Any]:
        caller = await Client(live.url, tokens["ana"]).connect()
        stranger = await Client(live.url, tokens["cleo"]).connect()
        callee = await Client(live.url, tokens["ben"]).connect()
        out = {
            "stranger": await caller.call("initiate_call", {"callee_id": str(cleo.id)}),
            "blocked": await caller.call("initiate_call", {"callee_id": str(dan.id)}),
            "first": await caller.call("initiate_call", {"callee_id": str(ben.id)}),
        }
        await in_thread(lambda: befriend(cleo, ben))
        out["busy"] = await stranger.call("initiate_call", {"callee_id": str(ben.id)})
        await asyncio.sleep(0.1)
        out["cleo_rang"] = stranger.received.get("incoming_call")
        out["ben_rings"] = len(callee.received.get("incoming_call", []))
        for c in (caller, stranger, callee):
            await c.close()
        return out

    out = run(scenario())
    assert out["stranger"]["error_code"] == "CALL_NOT_ALLOWED"
    assert out["blocked"]["error_code"] == "CALL_NOT_ALLOWED"
    assert out["first"]["success"] is True
    assert out["busy"]["error_code"] == "CALLEE_BUSY"
    assert out["cleo_rang"] is None
    assert out["ben_rings"] == 1


def test_bad_payloads_answer_error_acks_and_keep_the_connection(live, ana, ben):
    tokens = {"ana": token(ana)}
    unknown = "00000000-0000-0000-0000-000000000000"

    async def scenario() -> tuple[list[Any], bool, Any]:
        caller = await Client(live.url, tokens["ana"]).connect()
        acks = [
            await caller.call("initiate_call", "not an object"),
            await caller.call("initiate_call", {"callee_id": "nope"}),
            await caller.call("initiate_call", {"callee_id": str(ben.id), "media": "hologram"}),
            await caller.call("accept_call"),
            await caller.call("accept_call", {"call_id": unknown}),
            await caller.call("end_call", {"call_id": unknown, "extra": 1}),
            await caller.call("webrtc_offer", {"call_id": unknown, "sdp": "x"}),
            await caller.call("webrtc_offer", {"call_id": unknown, "sdp": "x" * 70_000}),
            await caller.call("webrtc_candidate", {"call_id": unknown, "candidate": 5}),
            await caller.call("initiate_call", {"callee_id": str(ana.id)}),
        ]
        still = caller.sio.connected
        fine = await caller.call("initiate_call", {"callee_id": str(ben.id)})
        await caller.close()
        return acks, still, fine

    acks, still, fine = run(scenario())
    assert [a["error_code"] for a in acks] == [
        "VALIDATION_ERROR",
        "VALIDATION_ERROR",
        "VALIDATION_ERROR",
        "VALIDATION_ERROR",
        "CALL_NOT_FOUND",
        "VALIDATION_ERROR",
        "CALL_NOT_FOUND",
        "PAYLOAD_TOO_LARGE",
        "VALIDATION_ERROR",
        "SELF_CALL",
    ]
    assert all(a["success"] is False for a in acks)
    assert still is True
    assert fine["success"] is True


def test_an_unanswered_call_ends_as_missed_on_every_device_at_the_sweep(live, ana, ben):
    tokens = {"ana": token(ana), "ben": token(ben)}

    async def scenario() -> tuple[int, Any, Any]:
        caller = await Client(live.url, tokens["ana"]).connect()
        callee = await Client(live.url, tokens["ben"]).connect()
        placed = await caller.call("initiate_call", {"callee_id": str(ben.id)})
        await callee.wait_for("incoming_call")
        call_id = placed["data"]["call_id"]
        deadline = timezone.now() + timedelta(seconds=60)  # as if a minute passed
        missed = await in_thread(lambda: services.calls_expire_due(now=deadline))
        to_caller = (await caller.wait_for("call_ended"))[0]
        to_callee = (await callee.wait_for("call_ended"))[0]
        late = await callee.call("accept_call", {"call_id": call_id})
        for c in (caller, callee):
            await c.close()
        return missed, (to_caller, to_callee), late

    missed, ended, late = run(scenario())
    assert missed == 1
    assert [(e["state"], e["end_reason"]) for e in ended] == [("missed", "timeout"), ("missed", "timeout")]
    assert late["error_code"] == "CALL_NOT_RINGING"
    assert late["details"] == {"state": "missed"}


def test_a_caller_who_disconnects_while_ringing_stops_the_ring(live, ana, ben):
    tokens = {"ana": token(ana), "ben": token(ben)}

    async def scenario() -> Any:
        caller = await Client(live.url, tokens["ana"]).connect()
        callee = await Client(live.url, tokens["ben"]).connect()
        await caller.call("initiate_call", {"callee_id": str(ben.id)})
        await callee.wait_for("incoming_call")
        await caller.close()
        ended = (await callee.wait_for("call_ended"))[0]
        await callee.close()
        return ended

    ended = run(scenario())
    assert (ended["state"], ended["end_reason"]) == ("missed", "cancelled")
