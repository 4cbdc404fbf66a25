"""LiveKit's webhooks over HTTP: signed with our secret over the body's sha256 (else 401), applied once per
event id, and they keep the participant list true."""

from __future__ import annotations

import base64
import hashlib

import pytest
from google.protobuf.json_format import MessageToJson
from livekit import api as lk
from livekit.protocol import models as lkm
from livekit.protocol import webhook as lkw

from loopin.rooms import services, stage
from loopin.rooms.models import EndReason, MediaWebhook, Role, RoomMember, RoomState
from loopin.rooms.tests.fake_livekit import KEY, SECRET

URL = "/api/v2/rooms/webhooks/livekit"


def webhook(kind, *, room, identity="", sid="PA_1", event_id="EV_1"):
    event = lkw.WebhookEvent(
        event=kind, id=event_id, room=lkm.Room(name=room.media_name),
        participant=lkm.ParticipantInfo(identity=str(identity), sid=sid),
    )  # fmt: skip
    return MessageToJson(event)


def signed(body: str, *, secret: str = SECRET, key: str = KEY, for_body: str | None = None) -> dict[str, str]:
    digest = base64.b64encode(hashlib.sha256((for_body or body).encode()).digest()).decode()
    token = lk.AccessToken(key, secret).with_sha256(digest).to_jwt()
    return {"Authorization": token, "Content-Type": "application/webhook+json"}


@pytest.fixture
def room(hana, livekit):
    return services.room_create(user=hana, title="Webhooks").room


def post(api, body, headers):
    return api.post(URL, content=body.encode(), headers=headers)


def test_a_participant_joining_is_marked_connected_and_a_redelivery_changes_nothing(api, room, sam):
    services.room_join(user=sam, room_id=room.id)
    body = webhook("participant_joined", room=room, identity=sam.id, sid="PA_sam")
    r = post(api, body, signed(body))
    assert r.status_code == 200, r.text
    assert r.json()["data"] == {"event": "participant_joined", "applied": True}
    member = RoomMember.objects.get(room=room, user=sam)
    assert (member.media_sid, member.media_joined_at is not None) == ("PA_sam", True)
    assert post(api, body, signed(body)).json()["data"] == {"event": "participant_joined", "applied": False}
    assert MediaWebhook.objects.filter(event_id="EV_1").count() == 1


def test_someone_connected_who_is_not_in_the_room_is_removed_from_the_media(api, room, aya, livekit):
    livekit.connected.add(str(aya.id))
    body = webhook("participant_joined", room=room, identity=aya.id)
    assert post(api, body, signed(body)).json()["data"]["applied"] is True
    assert livekit.methods() == ["RemoveParticipant"]
    assert (livekit.calls[0][1].room, livekit.calls[0][1].identity) == (room.media_name, str(aya.id))


def test_a_participant_leaving_for_good_leaves_and_an_old_connection_leaving_does_not(api, room, sam):
    services.room_join(user=sam, room_id=room.id)
    joined = webhook("participant_joined", room=room, identity=sam.id, sid="PA_new", event_id="EV_j")
    post(api, joined, signed(joined))
    stale = webhook("participant_left", room=room, identity=sam.id, sid="PA_old", event_id="EV_l1")
    assert post(api, stale, signed(stale)).json()["data"]["applied"] is False
    assert RoomMember.objects.get(room=room, user=sam).left_at is None
    gone = webhook("participant_left", room=room, identity=sam.id, sid="PA_new", event_id="EV_l2")
    assert post(api, gone, signed(gone)).json()["data"]["applied"] is True
    assert RoomMember.objects.get(room=room, user=sam).left_at is not None


def test_the_last_host_disconnecting_ends_the_room(api, room, hana, sam):
    services.room_join(user=sam, room_id=room.id)
    stage.member_act(actor=hana, room_id=room.id, user_id=sam.id, action="invite_to_stage")
    body = webhook("participant_left", room=room, identity=hana.id, sid="")
    post(api, body, signed(body))
    room.refresh_from_db()
    assert (room.state, room.end_reason) == (RoomState.ENDED, EndReason.LAST_HOST_LEFT)
    assert RoomMember.objects.get(room=room, user=sam).role == Role.SPEAKER  # the role they ended with


def test_room_finished_ends_a_live_room(api, room):
    body = webhook("room_finished", room=room)
    assert post(api, body, signed(body)).json()["data"] == {"event": "room_finished", "applied": True}
    room.refresh_from_db()
    assert (room.state, room.end_reason) == (RoomState.ENDED, EndReason.MEDIA_FINISHED)


@pytest.mark.parametrize(
    "headers",
    [
        "none",
        "garbage",
        "other secret",
        "other key",
        "other body",
    ],
)
def test_a_webhook_not_signed_for_this_body_with_our_key_is_refused(api, room, headers):
    body = webhook("room_finished", room=room)
    sent = {
        "none": {},
        "garbage": {"Authorization": "Bearer not-a-jwt"},
        "other secret": signed(body, secret="another-secret-0123456789abcdef0123456789"),
        "other key": signed(body, key="another-key"),
        "other body": signed(body, for_body=body.replace("room_finished", "room_started")),
    }[headers]
    r = post(api, body, sent)
    assert r.status_code == 401
    assert r.json()["error_code"] == "WEBHOOK_SIGNATURE_INVALID"
    room.refresh_from_db()
    assert room.state == RoomState.LIVE
    assert MediaWebhook.objects.count() == 0
