"""Likes and comments notify the author, aggregated per post; tags and @mentions notify each person."""

from __future__ import annotations

import pytest

from loopin.notifications.models import Notification
from loopin.people.models import PersonProfile
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for


@pytest.fixture
def people(api):
    return [UserWithProfileFactory(name=n) for n in ("Gaurav Kumar", "Asha Rao", "Ravi Das", "Neha Jain", "Om Puri")]


def _post(api, user, **body):
    r = api.post("/api/v2/posts", headers=token_for(user), json={"text": "Sunday run", **body})
    assert r.status_code == 201, r.text
    return r.json()["data"]["id"]


def _centre(user, key):
    return [(n.title, n.body) for n in Notification.objects.filter(user=user, type=key).order_by("-created_at")]


def test_likes_aggregate_into_one_unread_notification(api, people):
    author, asha, ravi, neha, _ = people
    post = _post(api, author)
    for liker in (ravi, neha, asha):
        assert api.put(f"/api/v2/posts/{post}/like", headers=token_for(liker)).status_code == 200
    assert _centre(author, "post.liked") == [("Asha Rao and 2 others liked your post", "Sunday run")]
    Notification.objects.filter(user=author).update(read_at="2026-01-01T00:00:00Z")
    api.put(f"/api/v2/posts/{post}/like", headers=token_for(people[4]))
    assert _centre(author, "post.liked")[0] == ("Om Puri and 3 others liked your post", "Sunday run")
    api.put(f"/api/v2/posts/{post}/like", headers=token_for(author))  # my own like: nothing
    assert Notification.objects.filter(user=author, type="post.liked").count() == 2


def test_comments_tags_and_mentions(api, people):
    author, asha, ravi, neha, _ = people
    PersonProfile.objects.create(user=neha, handle="neha.j")
    post = _post(api, author, tagged_user_ids=[str(asha.id)])
    assert _centre(asha, "post.tagged") == [("Gaurav Kumar tagged you in a post", "Sunday run")]
    api.post(f"/api/v2/posts/{post}/comments", headers=token_for(ravi), json={"text": "count me in @neha.j"})
    api.post(f"/api/v2/posts/{post}/comments", headers=token_for(asha), json={"text": "me too"})
    assert _centre(author, "post.commented") == [("Asha Rao and 1 other commented on your post", "me too")]
    assert _centre(neha, "post.mentioned") == [("Ravi Das mentioned you", "count me in @neha.j")]
