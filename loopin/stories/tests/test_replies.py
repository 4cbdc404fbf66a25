"""Reply to a story: a message referencing the story in the 1:1 conversation with its author."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from loopin.chat.models import Message
from loopin.media.services import media_upload
from loopin.people.models import Follow, FollowStatus
from loopin.people.services.blocks import block_create
from loopin.people.services.friends import friend_request_accept, friend_request_send
from loopin.stories.services import story_create
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for


@pytest.fixture
def people(api):
    return [UserWithProfileFactory() for _ in range(3)]


def _befriend(a, b):
    friend_request_accept(user=b, request_id=friend_request_send(user=a, to_user_id=b.id).request.id)


def _story(author, audience="friends"):
    buffer = io.BytesIO()
    Image.new("RGB", (1080, 1920), (90, 20, 160)).save(buffer, format="JPEG")
    buffer.seek(0)
    media = media_upload(owner=author, handle=buffer, content_type="image/jpeg")
    return story_create(author=author, media_id=media.id, audience=audience)


def _reply(api, user, story, text="love this", **body):
    return api.post(f"/api/v2/stories/{story.id}/reply", headers=token_for(user), json={"text": text, **body})


def test_a_friend_replies_and_the_author_reads_it_in_their_direct_conversation(api, people):
    author, friend, _ = people
    _befriend(author, friend)
    story = _story(author)
    r = _reply(api, friend, story, "where is this?", client_message_id="r-1")
    assert r.status_code == 201, r.text
    message = r.json()["data"]["message"]
    assert (message["body"], message["ref"]) == ("where is this?", {"type": "story", "id": str(story.id)})
    assert _reply(api, friend, story, "where is this?", client_message_id="r-1").json()["data"]["duplicate"] is True
    conversation = message["conversation_id"]
    inbox = api.get(f"/api/v2/conversations/{conversation}/messages", headers=token_for(author)).json()["data"]
    assert [(m["sender"]["id"], m["body"], m["ref"]["type"]) for m in inbox["messages"]] == [
        (str(friend.id), "where is this?", "story")
    ]
    detail = api.get(f"/api/v2/conversations/{conversation}", headers=token_for(author)).json()["data"]
    assert (detail["kind"], detail["other_user"]["id"], detail["request_state"]) == (
        "direct",
        str(friend.id),
        "accepted",
    )


def test_a_follower_who_is_not_a_friend_sends_a_message_request(api, people):
    author, follower, _ = people
    Follow.objects.create(follower=follower, followee=author, status=FollowStatus.ACTIVE)
    story = _story(author, audience="public")
    r = _reply(api, follower, story)
    assert r.status_code == 201, r.text
    conversation = r.json()["data"]["message"]["conversation_id"]
    detail = api.get(f"/api/v2/conversations/{conversation}", headers=token_for(author)).json()["data"]
    assert (detail["request_state"], detail["requested_by"]) == ("pending", str(follower.id))


def test_refused_for_my_own_an_unseen_or_a_blocked_story_and_for_an_empty_reply(api, people):
    author, friend, stranger = people
    _befriend(author, friend)
    story = _story(author)
    r = _reply(api, author, story)
    assert (r.status_code, r.json()["error_code"]) == (400, "OWN_STORY")
    r = _reply(api, stranger, story)
    assert (r.status_code, r.json()["error_code"]) == (404, "STORY_NOT_FOUND")
    r = _reply(api, friend, story, "   ")
    assert (r.status_code, r.json()["error_code"]) == (422, "VALIDATION_ERROR")
    block_create(user=author, blocked_id=friend.id)
    r = _reply(api, friend, story)
    assert (r.status_code, r.json()["error_code"]) == (404, "STORY_NOT_FOUND")
    assert Message.objects.count() == 0
