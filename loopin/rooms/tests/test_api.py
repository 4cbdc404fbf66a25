"""Rooms over HTTP with LiveKit faked at its HTTP boundary: a room with a host, a speaker and an audience
changes roles, and every token and every UpdateParticipant says what each role may do."""

from __future__ import annotations

from typing import Any

import jwt
from livekit.protocol import models as lkm

from loopin.rooms.models import RoomMember
from loopin.rooms.tests.fake_livekit import KEY, SECRET
from loopin.testing.fixtures import token_for

LISTEN = {"roomJoin": True, "canPublish": False, "canSubscribe": True, "canPublishData": False,
          "canPublishSources": [], "canUpdateOwnMetadata": False}  # fmt: skip
SPEAK = {**LISTEN, "canPublish": True, "canPublishSources": ["microphone"]}
ADMIN = {**SPEAK, "roomAdmin": True}


def grants(session: dict[str, Any], user: Any) -> dict[str, Any]:
    """The LiveKit token's claims, checked with the API secret; its video grant without the room name."""
    claims = jwt.decode(session["media"]["token"], SECRET, algorithms=["HS256"])
    assert claims["iss"] == KEY
    assert claims["sub"] == str(user.id)
    assert claims["name"] == user.name
    video = dict(claims["video"])
    assert video.pop("room") == session["media"]["room"]
    return video


def permission(req: Any) -> tuple[str, str, bool, list[int], bool]:
    p = req.permission
    return req.identity, req.room, p.can_publish, list(p.can_publish_sources), p.can_subscribe


def test_host_speaker_and_audience_change_roles_with_tokens_and_livekit_permissions(api, livekit, hana, sam, aya):
    h, s, a = token_for(hana), token_for(sam), token_for(aya)
    created = api.post("/api/v2/rooms", json={"title": "Late night jazz", "topic": "Records"}, headers=h)
    assert created.status_code == 201, created.text
    room = created.json()["data"]
    room_id, media_room = room["id"], f"room-{room['id']}"
    assert (room["state"], room["me"]["role"]) == ("live", "host")
    livekit.connected |= {str(hana.id), str(sam.id), str(aya.id)}

    host = api.post(f"/api/v2/rooms/{room_id}/join", headers=h).json()["data"]
    assert host["media"]["url"] == "wss://rtc.example.com"
    assert host["media"]["room"] == media_room
    assert grants(host, hana) == ADMIN

    listener = api.post(f"/api/v2/rooms/{room_id}/join", headers=a).json()["data"]
    assert listener["me"]["role"] == "audience"
    assert grants(listener, aya) == LISTEN
    joined = api.post(f"/api/v2/rooms/{room_id}/join", headers=s).json()["data"]
    assert grants(joined, sam) == LISTEN

    # Sam raises a hand; the host invites him to the stage: LiveKit lets him publish his microphone.
    assert api.post(f"/api/v2/rooms/{room_id}/hand", json={"raised": True}, headers=s).json()["data"]["hand_raised"]
    r = api.post(f"/api/v2/rooms/{room_id}/members/{sam.id}/invite-to-stage", headers=h)
    assert r.status_code == 200, r.text
    assert (r.json()["data"]["role"], r.json()["data"]["hand_raised"]) == ("speaker", False)
    assert livekit.methods() == ["UpdateParticipant"]
    assert permission(livekit.calls[-1][1]) == (str(sam.id), media_room, True, [lkm.TrackSource.MICROPHONE], True)
    assert grants(api.post(f"/api/v2/rooms/{room_id}/token", headers=s).json()["data"], sam) == SPEAK

    # The host makes Aya a moderator: she may publish, and her new token is a room admin's.
    r = api.post(f"/api/v2/rooms/{room_id}/members/{aya.id}/make-moderator", headers=h)
    assert r.json()["data"]["role"] == "moderator"
    assert permission(livekit.calls[-1][1]) == (str(aya.id), media_room, True, [lkm.TrackSource.MICROPHONE], True)
    assert grants(api.post(f"/api/v2/rooms/{room_id}/token", headers=a).json()["data"], aya) == ADMIN

    # The moderator mutes the speaker (his audio track), then moves him back to the audience.
    r = api.post(f"/api/v2/rooms/{room_id}/members/{sam.id}/mute", headers=a)
    assert r.json()["data"]["muted"] is True
    assert livekit.methods()[-2:] == ["GetParticipant", "MutePublishedTrack"]
    mute = livekit.calls[-1][1]
    assert (mute.room, mute.identity, mute.track_sid, mute.muted) == (media_room, str(sam.id), f"TR_{str(sam.id)[:8]}",
                                                                       True)  # fmt: skip
    r = api.post(f"/api/v2/rooms/{room_id}/members/{sam.id}/move-to-audience", headers=a)
    assert (r.json()["data"]["role"], r.json()["data"]["muted"]) == ("audience", False)
    assert permission(livekit.calls[-1][1]) == (str(sam.id), media_room, False, [], True)
    assert grants(api.post(f"/api/v2/rooms/{room_id}/token", headers=s).json()["data"], sam) == LISTEN

    # Everyone's place, as the room's page shows it.
    detail = api.get(f"/api/v2/rooms/{room_id}", headers=s).json()["data"]
    assert [(m["user"]["name"], m["role"]) for m in detail["members"]] == [
        ("Hana", "host"),
        ("Aya", "moderator"),
        ("Sam", "audience"),
    ]
    assert detail["me"]["role"] == "audience"

    # The last host leaves: the room ends and LiveKit's room is deleted.
    left = api.post(f"/api/v2/rooms/{room_id}/leave", headers=h).json()["data"]
    assert (left["state"], left["end_reason"]) == ("ended", "last_host_left")
    assert livekit.methods()[-2:] == ["RemoveParticipant", "DeleteRoom"]
    assert livekit.calls[-1][1].room == media_room
    assert livekit.unauthorized == 0
    assert RoomMember.objects.filter(room_id=room_id, left_at__isnull=True).count() == 0
    assert api.post(f"/api/v2/rooms/{room_id}/token", headers=s).json()["error_code"] == "ROOM_NOT_LIVE"
