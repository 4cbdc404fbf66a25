"""Share a post to a friend in chat: a message referencing the post in our 1:1; blocks and the post's audience
are respected (sharing never shows a post to someone outside its audience)."""

from __future__ import annotations

import pytest

from loopin.chat.models import Message
from loopin.people.services.blocks import block_create
from loopin.people.services.friends import friend_request_accept, friend_request_send
from loopin.posts.services import post_create
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for


@pytest.fixture
def people(api):
    return [UserWithProfileFactory() for _ in range(4)]


def _befriend(a, b):
    friend_request_accept(user=b, request_id=friend_request_send(user=a, to_user_id=b.id).request.id)


def _share(api, user, post, to, **body):
    return api.post(f"/api/v2/posts/{post.id}/share", headers=token_for(user), json={"user_id": str(to.id), **body})


def test_a_shared_post_is_a_message_referencing_it_in_our_direct_conversation(api, people):
    author, me, friend = people[0], people[1], people[2]
    _befriend(me, friend)
    post = post_create(author=author, text="concert tonight", media_ids=[])
    r = _share(api, me, post, friend, text="we should go", client_message_id="share-1")
    assert r.status_code == 201, r.text
    message = r.json()["data"]["message"]
    assert (message["kind"], message["body"], message["ref"], message["seq"]) == (
        "text",
        "we should go",
        {"type": "post", "id": str(post.id)},
        1,
    )
    assert r.json()["data"]["duplicate"] is False
    again = _share(api, me, post, friend, text="we should go", client_message_id="share-1")
    assert (again.status_code, again.json()["data"]["duplicate"]) == (201, True)
    conversation = message["conversation_id"]
    seen = api.get(f"/api/v2/conversations/{conversation}/messages", headers=token_for(friend)).json()["data"]
    assert [(m["sender"]["id"], m["ref"]) for m in seen["messages"]] == [
        (str(me.id), {"type": "post", "id": str(post.id)})
    ]
    detail = api.get(f"/api/v2/conversations/{conversation}", headers=token_for(friend)).json()["data"]
    assert (detail["kind"], detail["other_user"]["id"], detail["request_state"]) == ("direct", str(me.id), "accepted")
    assert Message.objects.count() == 1


def test_without_text_the_share_is_the_post_alone(api, people):
    me, friend = people[0], people[1]
    _befriend(me, friend)
    post = post_create(author=me, text="my own post", media_ids=[])
    r = _share(api, me, post, friend)
    assert r.status_code == 201, r.text
    assert (r.json()["data"]["message"]["body"], r.json()["data"]["message"]["ref"]["id"]) == ("", str(post.id))


def test_only_to_friends_and_only_what_they_may_see(api, people):
    author, me, friend, stranger = people
    _befriend(author, me)
    _befriend(me, friend)
    public = post_create(author=author, text="public", media_ids=[])
    friends_only = post_create(author=author, text="for my friends", media_ids=[], visibility="friends")
    r = _share(api, me, public, stranger)
    assert (r.status_code, r.json()["error_code"]) == (403, "SHARE_FRIENDS_ONLY")
    r = _share(api, me, friends_only, friend)  # friend is not the author's friend
    assert (r.status_code, r.json()["error_code"]) == (403, "NOT_VISIBLE_TO_RECIPIENT")
    r = _share(api, stranger, friends_only, me)  # the sharer must see it first
    assert (r.status_code, r.json()["error_code"]) == (404, "POST_NOT_FOUND")
    r = _share(api, me, public, me)
    assert (r.status_code, r.json()["error_code"]) == (403, "SHARE_FRIENDS_ONLY")
    assert Message.objects.count() == 0


def test_blocks_are_respected_both_with_the_friend_and_with_the_author(api, people):
    author, me, friend, other = people
    _befriend(me, friend)
    _befriend(me, other)
    post = post_create(author=author, text="public", media_ids=[])
    block_create(user=author, blocked_id=friend.id)  # the author blocked my friend: they never see the post
    r = _share(api, me, post, friend)
    assert (r.status_code, r.json()["error_code"]) == (403, "NOT_VISIBLE_TO_RECIPIENT")
    block_create(user=other, blocked_id=me.id)  # a block ends our friendship
    r = _share(api, me, post, other)
    assert (r.status_code, r.json()["error_code"]) == (403, "SHARE_FRIENDS_ONLY")
    assert Message.objects.count() == 0
