"""The calls endpoints: ICE servers with coturn REST credentials, history, the missed-call badge; the ring push."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid

import pytest

from loopin.calls import services
from loopin.calls.models import CallState
from loopin.notifications.models import Device
from loopin.notifications.push import log_outbox
from loopin.testing.fixtures import token_for

SECRET = "a-coturn-static-auth-secret-for-the-tests-0123456789"


@pytest.fixture
def turn(app_settings):
    app_settings.CALLS_STUN_URLS = ["stun:stun.example.com:3478"]
    app_settings.CALLS_TURN_URLS = ["turn:turn.example.com:3478?transport=udp", "turns:turn.example.com:5349"]
    app_settings.CALLS_TURN_SECRET = SECRET
    app_settings.CALLS_TURN_TTL_SECONDS = 3600
    return app_settings


def test_ice_servers_carry_a_turn_credential_coturn_accepts(api, ana, turn):
    before = int(time.time())
    r = api.get("/api/v2/calls/ice-servers", headers=token_for(ana))
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    stun, relay = data["ice_servers"]
    assert stun == {"urls": ["stun:stun.example.com:3478"], "username": None, "credential": None}
    assert relay["urls"] == ["turn:turn.example.com:3478?transport=udp", "turns:turn.example.com:5349"]
    expiry, user_id = relay["username"].split(":")
    assert user_id == str(ana.id)
    assert before + 3600 <= int(expiry) <= int(time.time()) + 3600
    # What coturn does with use-auth-secret: HMAC-SHA1 of the username with the shared secret, base64.
    expected = base64.b64encode(hmac.new(SECRET.encode(), relay["username"].encode(), hashlib.sha1).digest()).decode()
    assert relay["credential"] == expected
    assert data["ttl_seconds"] == 3600


def test_without_a_turn_secret_only_stun_is_offered(api, ana, app_settings):
    app_settings.CALLS_STUN_URLS = ["stun:stun.example.com:3478"]
    app_settings.CALLS_TURN_URLS = ["turn:turn.example.com:3478"]
    app_settings.CALLS_TURN_SECRET = ""
    data = api.get("/api/v2/calls/ice-servers", headers=token_for(ana)).json()["data"]
    assert data == {
        "ice_servers": [{"urls": ["stun:stun.example.com:3478"], "username": None, "credential": None}],
        "ttl_seconds": None,
        "expires_at": None,
    }


@pytest.mark.parametrize("path", ["/api/v2/calls/ice-servers", "/api/v2/calls", "/api/v2/calls/missed"])
def test_the_calls_endpoints_need_a_signed_in_person(api, path):
    r = api.get(path)
    assert r.status_code == 401
    assert r.json()["error_code"] == "NOT_AUTHENTICATED"


def test_history_is_paginated_and_the_badge_clears_when_marked_seen(api, ana, ben):
    for _ in range(3):
        call = services.call_initiate(caller=ana, callee_id=ben.id, session_id=uuid.uuid4())
        services.call_end(user=ana, call_id=call.id)  # cancelled while ringing: missed for ben
    headers = token_for(ben)
    page = api.get("/api/v2/calls", params={"offset": 1, "limit": 2}, headers=headers).json()
    assert page["meta"] == {"total": 3, "offset": 1, "limit": 2}
    assert [(c["direction"], c["state"], c["other"]["name"]) for c in page["data"]] == [
        ("incoming", "missed", "Ana"),
        ("incoming", "missed", "Ana"),
    ]
    assert api.get("/api/v2/calls/missed", headers=headers).json()["data"] == {"missed": 3}
    assert api.post("/api/v2/calls/missed/seen", headers=headers).json()["data"] == {"marked": 3}
    assert api.get("/api/v2/calls/missed", headers=headers).json()["data"] == {"missed": 0}
    assert api.get("/api/v2/calls", params={"limit": 101}, headers=headers).status_code == 422


def test_the_export_has_a_calls_section(api, ana, ben):
    call = services.call_initiate(caller=ana, callee_id=ben.id, session_id=uuid.uuid4())
    r = api.get("/api/v2/me/export", headers=token_for(ana))
    assert r.status_code == 200, r.text
    section = r.json()["data"]["calls"]
    assert [(c["id"], c["state"]) for c in section] == [(str(call.id), "ringing")]


def test_an_offline_callee_gets_a_high_priority_ring_push_and_a_stop_push(api, ana, ben):
    Device.objects.create(user=ben, provider="fcm", token="ben-phone-token", platform="ios")
    before = len(log_outbox())
    call = services.call_initiate(caller=ana, callee_id=ben.id, media="video", session_id=uuid.uuid4())
    (ring,) = log_outbox()[before:]
    assert ring.token == "ben-phone-token"
    assert ring.message.high_priority is True
    assert 0 < ring.message.ttl_seconds <= 45
    assert ring.message.title == "Ana"
    assert ring.message.body == "Incoming video call"
    assert ring.message.data["type"] == "call.incoming"
    assert ring.message.data["call_id"] == str(call.id)
    assert ring.message.data["caller_id"] == str(ana.id)
    assert ring.message.data["media"] == "video"
    services.call_end(user=ana, call_id=call.id)
    (stop,) = log_outbox()[before + 1 :]
    assert stop.message.data == {"type": "call.ended", "call_id": str(call.id), "state": CallState.MISSED}
    assert stop.message.collapse_key == f"call:{call.id}"
