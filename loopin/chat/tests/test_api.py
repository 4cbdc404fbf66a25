"""Chat over HTTP beside the socket: list, history by seq, send fallback, attachments, read, mute."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from PIL import Image

from loopin.chat.models import Message
from loopin.chat.selectors import conversations_list
from loopin.chat.services.conversations import direct_open
from loopin.chat.services.groups import event_chat_open
from loopin.notifications.models import Device
from loopin.notifications.push import log_outbox
from loopin.participation.attendance import attendance_confirm
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for


@pytest.fixture
def chat(api, interests):
    host, guest = UserWithProfileFactory(name="Host"), UserWithProfileFactory(name="Guest")
    event = PublishedEventFactory(host=host, title="Rooftop jam")
    conv = event_chat_open(event_id=event.id)
    attendance_confirm(user=guest, event_id=event.id)
    return {"conv": conv, "host": token_for(host), "guest": token_for(guest), "event": event}


def send(api, chat, who, text, cid=None):
    return api.post(
        f"/api/v2/conversations/{chat['conv'].id}/messages",
        json={"client_message_id": cid or text, "body": text},
        headers=chat[who],
    )


def test_send_then_list_shows_the_last_message_and_the_unread_count(api, chat):
    assert send(api, chat, "host", "doors at 8").status_code == 201
    r = api.get("/api/v2/conversations", headers=chat["guest"])
    assert r.status_code == 200
    body = r.json()
    assert body["meta"] == {"total": 1, "offset": 0, "limit": 20}
    (conv,) = body["data"]
    assert (conv["title"], conv["unread"], conv["last_message"]["body"]) == ("Rooftop jam", 1, "doors at 8")
    assert api.get("/api/v2/conversations/unread", headers=chat["guest"]).json()["data"] == {
        "unread": 1,
        "conversations": 1,
    }


def test_a_retried_http_send_is_a_no_op(api, chat):
    first, again = send(api, chat, "guest", "hi", cid="x1"), send(api, chat, "guest", "hi", cid="x1")
    assert first.json()["data"]["duplicate"] is False
    assert again.json()["data"]["duplicate"] is True
    assert again.json()["data"]["message"]["id"] == first.json()["data"]["message"]["id"]
    assert Message.objects.count() == 1


def test_history_after_seq_returns_what_came_later_in_order(api, chat):
    for i in range(1, 6):
        send(api, chat, "host", f"m{i}")
    r = api.get(f"/api/v2/conversations/{chat['conv'].id}/messages?after_seq=2&limit=2", headers=chat["guest"])
    data = r.json()["data"]
    assert [m["seq"] for m in data["messages"]] == [3, 4]
    assert data["has_more"] is True
    r = api.get(f"/api/v2/conversations/{chat['conv'].id}/messages?before_seq=3", headers=chat["guest"])
    assert [m["body"] for m in r.json()["data"]["messages"]] == ["m1", "m2"]


def test_an_image_attachment_is_validated_and_stored(api, chat):
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    r = api.post(
        f"/api/v2/conversations/{chat['conv'].id}/attachments",
        files={"file": ("pic.png", buf.getvalue(), "image/png")},
        data={"client_message_id": "img-1", "kind": "image", "caption": "the stage"},
        headers=chat["guest"],
    )
    assert r.status_code == 201, r.text
    message = r.json()["data"]["message"]
    assert (message["kind"], message["body"], message["attachment"]["content_type"]) == (
        "image",
        "the stage",
        "image/png",
    )
    bad = api.post(
        f"/api/v2/conversations/{chat['conv'].id}/attachments",
        files={"file": ("pic.png", b"not an image", "image/png")},
        data={"client_message_id": "img-2", "kind": "image"},
        headers=chat["guest"],
    )
    assert bad.status_code == 422
    assert bad.json()["details"]["fields"][0]["code"] == "INVALID_IMAGE"


def test_mark_read_and_mute(api, chat):
    send(api, chat, "host", "one")
    r = api.post(f"/api/v2/conversations/{chat['conv'].id}/read", json={"seq": 1}, headers=chat["guest"])
    assert r.json()["data"]["unread"] == 0
    r = api.put(f"/api/v2/conversations/{chat['conv'].id}/mute", json={"muted": True}, headers=chat["guest"])
    assert r.json()["data"]["push_muted"] is True


def test_a_stranger_gets_404_not_the_conversation(api, chat):
    stranger = token_for(UserWithProfileFactory())
    r = api.get(f"/api/v2/conversations/{chat['conv'].id}/messages", headers=stranger)
    assert r.status_code == 404
    assert r.json()["error_code"] == "CONVERSATION_NOT_FOUND"


def test_the_conversation_list_runs_a_fixed_number_of_queries(api, chat, django_assert_max_num_queries):

    host = chat["conv"].members.get(role="host").user
    for _ in range(5):
        direct_open(user=host, other_id=UserWithProfileFactory().id)
    send(api, chat, "host", "hello")
    with django_assert_max_num_queries(5):
        items, total = conversations_list(user=host, offset=0, limit=20)
    assert total == 6
    assert len(items) == 6


def test_offline_members_get_one_push_per_burst_and_muted_ones_none(api, chat):

    guest_id = chat["conv"].members.get(role="member").user_id
    Device.objects.create(user_id=guest_id, provider="fcm", token="device-token-1", platform="android")
    outbox = log_outbox()
    before = len(outbox)
    for i in range(3):
        send(api, chat, "host", f"burst {i}")
    pushes = log_outbox()[before:]
    assert len(pushes) == 1
    assert pushes[0].message.collapse_key == f"chat:{chat['conv'].id}"
    assert pushes[0].message.title == "Rooftop jam"
    api.put(f"/api/v2/conversations/{chat['conv'].id}/mute", json={"muted": True}, headers=chat["guest"])

    cache.delete(f"chatpush:{chat['conv'].id}:{guest_id}")
    send(api, chat, "host", "after mute")
    assert len(log_outbox()) == before + 1


def test_a_photo_uploaded_to_media_is_sent_by_its_id(api, chat):
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buf, "JPEG")
    up = api.post("/api/v2/media", headers=chat["guest"], files={"file": ("p.jpg", buf.getvalue(), "image/jpeg")})
    assert up.status_code == 201, up.text
    media_id = up.json()["data"]["id"]
    r = api.post(
        f"/api/v2/conversations/{chat['conv'].id}/messages",
        json={"client_message_id": "m-1", "body": "look", "media_id": media_id},
        headers=chat["guest"],
    )
    assert r.status_code == 201, r.text
    message = r.json()["data"]["message"]
    assert (message["kind"], message["body"], message["media"]["id"]) == ("image", "look", media_id)
    # someone else's upload cannot be sent
    other = api.post(
        f"/api/v2/conversations/{chat['conv'].id}/messages",
        json={"client_message_id": "m-2", "media_id": media_id},
        headers=chat["host"],
    )
    assert other.status_code == 422
    assert other.json()["details"]["fields"][0]["code"] == "MEDIA_NOT_FOUND"
