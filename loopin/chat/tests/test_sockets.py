"""The chat over a real Socket.IO connection: python-socketio's AsyncClient against uvicorn."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import socketio
from django.db import connections

from loopin.accounts.services import session_logout, user_suspend
from loopin.accounts.tokens import access_token_decode
from loopin.chat.models import Message
from loopin.notifications.services import notify
from loopin.participation.attendance import attendance_confirm
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.live import Client


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_a_connection_without_a_token_is_refused_with_the_reason(live):
    async def scenario() -> list[Any]:
        client = socketio.AsyncClient(reconnection=False)
        refusals: list[Any] = []
        client.on("connect_error", lambda data: refusals.append(data))
        with pytest.raises(socketio.exceptions.ConnectionError):
            await client.connect(live.url, auth={}, transports=["websocket"], wait_timeout=5)
        return refusals

    refusals = run(scenario())
    assert refusals[0]["data"]["error_code"] == "NOT_AUTHENTICATED"
    assert "auth: {token" in refusals[0]["message"]


def test_a_bad_token_is_refused_as_invalid(live):
    async def scenario() -> list[Any]:
        client = socketio.AsyncClient(reconnection=False)
        refusals: list[Any] = []
        client.on("connect_error", lambda data: refusals.append(data))
        with pytest.raises(socketio.exceptions.ConnectionError):
            await client.connect(live.url, auth={"token": "nope"}, transports=["websocket"], wait_timeout=5)
        return refusals

    refusals = run(scenario())
    assert refusals[0]["data"]["error_code"] == "INVALID_TOKEN"
    assert refusals[0]["data"]["success"] is False
    assert refusals[0]["message"] == "The access token is invalid."


def test_a_message_reaches_the_other_member_with_the_next_sequence_number(live, party):
    conv = str(party["conversation"].id)

    async def scenario() -> tuple[Any, Any]:
        host = await Client(live.url, party["tokens"]["host"]).connect()
        guest = await Client(live.url, party["tokens"]["guest"]).connect()
        ack = await guest.call("send", {"conversation_id": conv, "client_message_id": "c-1", "body": "hi all"})
        got = await host.wait_for("message")
        await host.close()
        await guest.close()
        return ack, got

    ack, got = run(scenario())
    assert ack["success"] is True
    assert ack["data"]["duplicate"] is False
    assert ack["data"]["message"]["seq"] == 1
    assert [m["body"] for m in got] == ["hi all"]
    assert got[0]["seq"] == 1
    assert got[0]["sender"] == {"id": str(party["guest"].id), "name": party["guest"].name}


def test_a_retried_send_returns_the_stored_message_and_stores_nothing_new(live, party):
    conv = str(party["conversation"].id)

    async def scenario() -> list[Any]:
        guest = await Client(live.url, party["tokens"]["guest"]).connect()
        payload = {"conversation_id": conv, "client_message_id": "same", "body": "once"}
        acks = [await guest.call("send", payload) for _ in range(3)]
        await guest.close()
        return acks

    acks = run(scenario())
    assert [a["data"]["duplicate"] for a in acks] == [False, True, True]
    assert {a["data"]["message"]["id"] for a in acks} == {acks[0]["data"]["message"]["id"]}
    assert Message.objects.filter(conversation=party["conversation"]).count() == 1


def test_sync_after_a_reconnect_returns_exactly_what_was_missed(live, party):
    conv = str(party["conversation"].id)

    async def scenario() -> Any:
        guest = await Client(live.url, party["tokens"]["guest"]).connect()
        for i in range(1, 4):
            await guest.call("send", {"conversation_id": conv, "client_message_id": f"a{i}", "body": f"m{i}"})
        host = await Client(live.url, party["tokens"]["host"]).connect()  # was offline for 1-3
        await host.call("sync", {"conversations": [{"conversation_id": conv, "after_seq": 1}]})
        answer = await host.call("sync", {"conversations": [{"conversation_id": conv, "after_seq": 1}]})
        await guest.close()
        await host.close()
        return answer

    answer = run(scenario())
    assert answer["success"] is True
    (only,) = answer["data"]["conversations"]
    assert only["conversation_id"] == conv
    assert [m["seq"] for m in only["messages"]] == [2, 3]
    assert [m["body"] for m in only["messages"]] == ["m2", "m3"]
    assert only["has_more"] is False


def test_bad_input_answers_an_error_ack_and_keeps_the_connection(live, party):
    conv = str(party["conversation"].id)

    async def scenario() -> tuple[list[Any], bool]:
        guest = await Client(live.url, party["tokens"]["guest"]).connect()
        acks = [
            await guest.call("send", "not an object"),
            await guest.call("send", {"conversation_id": "x", "client_message_id": "1", "body": "a"}),
            await guest.call("send", {"conversation_id": conv, "client_message_id": "1", "body": "a" * 70_000}),
            await guest.call("send", {"conversation_id": conv, "client_message_id": "2", "body": "a", "extra": 1}),
            await guest.call("read", {"conversation_id": "00000000-0000-0000-0000-000000000000", "seq": 1}),
            await guest.call("history"),
        ]
        still = guest.sio.connected
        ok = await guest.call("send", {"conversation_id": conv, "client_message_id": "3", "body": "fine"})
        await guest.close()
        return acks + [ok], still

    acks, still_connected = run(scenario())
    codes = [a.get("error_code") for a in acks]
    assert codes == [
        "VALIDATION_ERROR",
        "VALIDATION_ERROR",
        "PAYLOAD_TOO_LARGE",
        "VALIDATION_ERROR",
        "CONVERSATION_NOT_FOUND",
        "VALIDATION_ERROR",
        None,
    ]
    assert all(a["success"] is False for a in acks[:-1])
    assert acks[-1]["success"] is True
    assert still_connected


def test_sending_too_fast_on_one_socket_is_rate_limited(live, party, app_settings):
    app_settings.REALTIME_SEND_RATE_SOCKET = "3/minute"
    conv = str(party["conversation"].id)

    async def scenario() -> list[Any]:
        guest = await Client(live.url, party["tokens"]["guest"]).connect()
        acks = [
            await guest.call("send", {"conversation_id": conv, "client_message_id": f"r{i}", "body": "x"})
            for i in range(4)
        ]
        await guest.close()
        return acks

    acks = run(scenario())
    assert [a["success"] for a in acks] == [True, True, True, False]
    assert acks[3]["error_code"] == "RATE_LIMITED"
    assert acks[3]["details"]["scope"] == "socket:send"


def test_a_person_sending_from_many_sockets_is_rate_limited_as_one(live, party, app_settings):
    app_settings.REALTIME_SEND_RATE_USER = "2/minute"
    conv = str(party["conversation"].id)

    async def scenario() -> list[Any]:
        phones = [await Client(live.url, party["tokens"]["guest"]).connect() for _ in range(3)]
        acks = [
            await p.call("send", {"conversation_id": conv, "client_message_id": f"u{i}", "body": "x"})
            for i, p in enumerate(phones)
        ]
        for p in phones:
            await p.close()
        return acks

    acks = run(scenario())
    assert [a["success"] for a in acks] == [True, True, False]
    assert acks[2]["error_code"] == "RATE_LIMITED"


def test_typing_reaches_the_others_and_is_never_stored(live, party):
    conv = str(party["conversation"].id)

    async def scenario() -> tuple[Any, Any, Any]:
        host = await Client(live.url, party["tokens"]["host"]).connect()
        guest = await Client(live.url, party["tokens"]["guest"]).connect()
        ack = await guest.call("typing", {"conversation_id": conv, "typing": True})
        seen = await host.wait_for("typing")
        await asyncio.sleep(0.1)
        await host.close()
        await guest.close()
        return ack, seen, guest.received.get("typing")

    ack, seen, echoed = run(scenario())
    assert ack["success"] is True
    assert seen == [{"conversation_id": conv, "user_id": str(party["guest"].id), "typing": True}]
    assert echoed is None
    assert Message.objects.count() == 0


def test_typing_in_a_conversation_you_are_not_in_is_refused(live, party):
    conv = str(party["conversation"].id)

    async def scenario() -> Any:
        stranger = await Client(live.url, party["tokens"]["stranger"]).connect()
        ack = await stranger.call("typing", {"conversation_id": conv})
        await stranger.close()
        return ack

    assert run(scenario())["error_code"] == "CONVERSATION_NOT_FOUND"


def test_read_receipts_reach_the_sender_and_clear_the_unread_count(live, party):
    conv = str(party["conversation"].id)

    async def scenario() -> tuple[Any, Any]:
        host = await Client(live.url, party["tokens"]["host"]).connect()
        guest = await Client(live.url, party["tokens"]["guest"]).connect()
        for i in range(2):
            await guest.call("send", {"conversation_id": conv, "client_message_id": f"k{i}", "body": "x"})
        ack = await host.call("read", {"conversation_id": conv, "seq": 2})
        receipts = await guest.wait_for("receipt")
        await host.close()
        await guest.close()
        return ack, receipts

    ack, receipts = run(scenario())
    assert ack["data"] == {"conversation_id": conv, "last_read_seq": 2, "last_delivered_seq": 2, "unread": 0}
    assert receipts[-1] == {
        "conversation_id": conv,
        "user_id": str(party["host"].id),
        "last_read_seq": 2,
        "last_delivered_seq": 2,
    }


def test_logging_out_disconnects_that_sessions_sockets_at_once(live, party):

    claims = access_token_decode(party["tokens"]["guest"])

    async def scenario() -> tuple[Any, bool, bool]:
        guest = await Client(live.url, party["tokens"]["guest"]).connect()
        host = await Client(live.url, party["tokens"]["host"]).connect()
        await asyncio.to_thread(_in_db, session_logout, user=party["guest"], session_id=claims.session_id)
        ended = await guest.wait_for("session_ended")
        for _ in range(100):
            if not guest.sio.connected:
                break
            await asyncio.sleep(0.02)
        host_connected = host.sio.connected
        await host.close()
        return ended, guest.sio.connected, host_connected

    ended, guest_connected, host_connected = run(scenario())
    assert ended == [{"success": False, "error": "You signed out on this device.", "error_code": "SESSION_ENDED"}]
    assert guest_connected is False
    assert host_connected is True


def test_a_suspended_person_is_disconnected_and_cannot_come_back(live, party):

    staff = UserWithProfileFactory(is_staff=True)

    async def scenario() -> tuple[Any, Any]:
        guest = await Client(live.url, party["tokens"]["guest"]).connect()
        await asyncio.to_thread(_in_db, user_suspend, user_id=party["guest"].id, staff=staff)
        ended = await guest.wait_for("session_ended")
        again = socketio.AsyncClient(reconnection=False)
        refusals: list[Any] = []
        again.on("connect_error", lambda data: refusals.append(data))
        with pytest.raises(socketio.exceptions.ConnectionError):
            await again.connect(
                live.url, auth={"token": party["tokens"]["guest"]}, transports=["websocket"], wait_timeout=5
            )
        return ended, refusals

    ended, refusals = run(scenario())
    assert ended[0]["error_code"] == "ACCOUNT_SUSPENDED"
    assert refusals[0]["data"]["error_code"] == "ACCOUNT_SUSPENDED"


def test_every_stored_notification_is_emitted_to_the_persons_sockets(live, party):

    async def scenario() -> Any:
        guest = await Client(live.url, party["tokens"]["guest"]).connect()
        n = await asyncio.to_thread(
            _in_db,
            notify,
            user_id=party["guest"].id,
            key="join_request.received",
            context={"event_title": "Jam", "requester_name": "Asha"},
        )
        got = await guest.wait_for("notification")
        await guest.close()
        return n, got

    stored, got = run(scenario())
    assert [g["id"] for g in got] == [str(stored.id)]
    assert got[0]["type"] == "join_request.received"
    assert got[0]["title"] == stored.title


def test_seat_counts_of_a_subscribed_event_arrive_live(live, party):

    event = party["event"]

    async def scenario() -> tuple[Any, Any]:
        watcher = await Client(live.url, party["tokens"]["stranger"]).connect()
        ack = await watcher.call("event:subscribe", {"event_id": str(event.id)})

        newcomer = await asyncio.to_thread(_in_db, UserWithProfileFactory)
        await asyncio.to_thread(_in_db, attendance_confirm, user=newcomer, event_id=event.id)
        seats = await watcher.wait_for("seats")
        await watcher.close()
        return ack, seats

    ack, seats = run(scenario())
    assert ack["data"]["going_count"] == 1
    assert seats[-1]["going_count"] == 2
    assert seats[-1]["event_id"] == str(event.id)


def _in_db(fn: Any, *args: Any, **kwargs: Any) -> Any:

    try:
        return fn(*args, **kwargs)
    finally:
        connections.close_all()
