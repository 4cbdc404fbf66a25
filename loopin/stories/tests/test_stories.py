"""24-hour stories: audiences, views and viewers, rings in order, expiry with media and views."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from loopin.media.models import Media
from loopin.people.models import Follow, FollowStatus
from loopin.people.services.blocks import block_create
from loopin.people.services.friends import friend_request_accept, friend_request_send
from loopin.stories.models import Story, StoryView
from loopin.stories.tasks import expire_stories
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import run_task, token_for


@pytest.fixture
def people(api):
    return [UserWithProfileFactory() for _ in range(4)]


def _befriend(a, b):
    friend_request_accept(user=b, request_id=friend_request_send(user=a, to_user_id=b.id).request.id)


def _story(api, user, audience="friends"):
    buffer = io.BytesIO()
    Image.new("RGB", (1080, 1920), (90, 20, 160)).save(buffer, format="JPEG")
    r = api.post("/api/v2/media", headers=token_for(user), files={"file": ("s.jpg", buffer.getvalue(), "image/jpeg")})
    r = api.post(
        "/api/v2/stories", headers=token_for(user), json={"media_id": r.json()["data"]["id"], "audience": audience}
    )
    assert r.status_code == 201, r.text
    return r.json()["data"]


def _rings(api, user):
    r = api.get("/api/v2/stories", headers=token_for(user))
    assert r.status_code == 200, r.text
    return [(ring["author"]["id"], ring["has_unseen"], len(ring["stories"])) for ring in r.json()["data"]]


def test_audiences_decide_who_sees_a_story(api, people):
    me, friend, close, follower = people
    _befriend(me, friend)
    _befriend(me, close)
    Follow.objects.create(follower=follower, followee=me, status=FollowStatus.ACTIVE)
    r = api.put("/api/v2/me/close-friends", headers=token_for(me), json={"user_ids": [str(close.id)]})
    assert r.status_code == 200
    r = api.put("/api/v2/me/close-friends", headers=token_for(me), json={"user_ids": [str(follower.id)]})
    assert r.status_code == 422 and r.json()["details"]["fields"][0]["code"] == "NOT_FRIENDS"
    public, friends_only, close_only = (
        _story(api, me, "public"),
        _story(api, me, "friends"),
        _story(api, me, "close_friends"),
    )
    count = {u: sum(n for _, _, n in _rings(api, u)) for u in (friend, close, follower)}
    assert count == {friend: 2, close: 3, follower: 1}
    assert api.post(f"/api/v2/stories/{close_only['id']}/view", headers=token_for(friend)).status_code == 404
    assert api.post(f"/api/v2/stories/{public['id']}/view", headers=token_for(follower)).status_code == 200
    assert friends_only["media"]["blurhash"] and friends_only["expires_at"]


def test_rings_put_mine_first_then_unseen_and_viewers_list_for_the_author(api, people):
    me, a, b, _ = people
    _befriend(me, a)
    _befriend(me, b)
    _story(api, a)
    story_b = _story(api, b)  # newer than a's
    _story(api, me)
    assert _rings(api, me) == [(str(me.id), False, 1), (str(b.id), True, 1), (str(a.id), True, 1)]
    api.post(f"/api/v2/stories/{story_b['id']}/view", headers=token_for(me))
    api.post(f"/api/v2/stories/{story_b['id']}/view", headers=token_for(me))  # twice: one view
    assert _rings(api, me) == [(str(me.id), False, 1), (str(a.id), True, 1), (str(b.id), False, 1)]
    viewers = api.get(f"/api/v2/stories/{story_b['id']}/viewers", headers=token_for(b)).json()
    assert viewers["meta"]["total"] == 1 and viewers["data"][0]["viewer"]["id"] == str(me.id)
    assert api.get(f"/api/v2/stories/{story_b['id']}/viewers", headers=token_for(me)).status_code == 404
    block_create(user=a, blocked_id=me.id)
    assert [r[0] for r in _rings(api, me)] == [str(me.id), str(b.id)]


def test_stories_expire_at_24_hours_with_their_media_and_views(api, people):
    me, friend = people[0], people[1]
    _befriend(me, friend)
    story = _story(api, me)
    api.post(f"/api/v2/stories/{story['id']}/view", headers=token_for(friend))
    media = Media.objects.get(id=story["media"]["id"])
    names = media.file_names()
    created = Story.objects.get(id=story["id"]).created_at
    assert Story.objects.get(id=story["id"]).expires_at == created + timedelta(hours=24)
    assert run_task(expire_stories) == 0  # not yet
    Story.objects.filter(id=story["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _rings(api, friend) == []  # gone from reads at once, before the job runs
    assert run_task(expire_stories) == 1
    assert not Story.objects.exists() and not StoryView.objects.exists() and not Media.objects.exists()
    assert not any(default_storage.exists(n) for n in names)
