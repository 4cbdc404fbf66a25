"""Posts on the people graph: who sees what in the home feed, likes, comments, edit window, deletion."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from loopin.media.models import Media
from loopin.participation.tickets import ticket_cancel, ticket_issue
from loopin.people.models import Follow, FollowStatus
from loopin.people.services.blocks import block_create, mute_create
from loopin.people.services.friends import friend_request_accept, friend_request_send, friendship_end
from loopin.posts.models import Post
from loopin.posts.selectors import feed_home
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for
from loopin.testing.videos import make_video
from loopin.tickets.models import Ticket, TicketSource


@pytest.fixture
def people(api):
    return [UserWithProfileFactory() for _ in range(4)]


def _befriend(a, b):
    sent = friend_request_send(user=a, to_user_id=b.id)
    friend_request_accept(user=b, request_id=sent.request.id)


def _follow(a, b):
    Follow.objects.create(follower=a, followee=b, status=FollowStatus.ACTIVE)


def _ticket(user, event):
    with transaction.atomic():
        return ticket_issue(event=event, user=user, seats=1, source=TicketSource.OPEN)


def _photo():
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 100, 50)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _media(api, user, content=None, name="p.jpg", content_type="image/jpeg"):
    r = api.post("/api/v2/media", headers=token_for(user), files={"file": (name, content or _photo(), content_type)})
    assert r.status_code == 201, r.text
    return r.json()["data"]["id"]


def _post(api, user, text="hello", **body):
    r = api.post("/api/v2/posts", headers=token_for(user), json={"text": text, **body})
    assert r.status_code == 201, r.text
    return r.json()["data"]


def _feed(api, user, **params):
    r = api.get("/api/v2/feed", headers=token_for(user), params=params)
    assert r.status_code == 200, r.text
    return r.json()


def _texts(api, user, **params):
    return [p["text"] for p in _feed(api, user, **params)["data"]]


def test_a_post_with_pictures_shows_them_with_sizes_and_blurhash(api, people):
    me = people[0]
    ids = [_media(api, me) for _ in range(2)]
    data = _post(api, me, "sunset at the lake", media_ids=ids, tagged_user_ids=[str(people[1].id)])
    assert [m["id"] for m in data["media"]] == ids
    assert data["media"][0]["sizes"]["large"]["width"] == 800 and data["media"][0]["blurhash"]
    assert data["tags"] == [{"id": str(people[1].id), "name": people[1].name}]
    assert data["can_edit"] is True and data["is_reel"] is False
    assert Media.objects.filter(id__in=ids, attached_at__isnull=False).count() == 2


def test_media_rules_one_video_or_up_to_ten_pictures_of_my_own(api, people):
    me, other = people[0], people[1]
    video = _media(api, me, make_video(seconds=1.0), "c.mp4", "video/mp4")
    photo = _media(api, me)
    r = api.post("/api/v2/posts", headers=token_for(me), json={"media_ids": [video, photo]})
    assert r.status_code == 422 and r.json()["details"]["fields"][0]["code"] == "VIDEO_ALONE"
    theirs = _media(api, other)
    r = api.post("/api/v2/posts", headers=token_for(me), json={"media_ids": [theirs]})
    assert r.status_code == 422 and r.json()["details"]["fields"] == [
        {"field": "media_ids[0]", "code": "MEDIA_NOT_FOUND", "message": "No such upload of yours."}
    ]
    r = api.post("/api/v2/posts", headers=token_for(me), json={"text": "nul \x00 byte"})
    assert r.status_code == 422 and r.json()["details"]["fields"][0]["code"] == "INVALID_CHARACTER"  # core.routing
    r = api.post("/api/v2/posts", headers=token_for(me), json={"text": "  "})
    assert r.status_code == 422 and r.json()["details"]["fields"][0]["code"] == "EMPTY_POST"
    reel = _post(api, me, "", media_ids=[video])
    assert reel["is_reel"] is True and reel["media"][0]["video_url"]
    reels = api.get("/api/v2/feed/reels", headers=token_for(other)).json()
    assert [p["id"] for p in reels["data"]] == [reel["id"]]


def test_home_feed_has_friends_followed_and_mine_and_respects_visibility(api, people):
    me, friend, followed, stranger = people
    _befriend(me, friend)
    _follow(me, followed)
    _post(api, friend, "friend public")
    _post(api, friend, "friend friends-only", visibility="friends")
    _post(api, friend, "friend only-me", visibility="only_me")
    _post(api, followed, "followed public")
    _post(api, followed, "followed friends-only", visibility="friends")
    _post(api, stranger, "stranger public")
    _post(api, me, "mine")
    assert _texts(api, me) == ["mine", "followed public", "friend friends-only", "friend public"]
    assert _texts(api, friend) == ["mine", "friend only-me", "friend friends-only", "friend public"]


def test_cursor_pages_walk_the_feed_without_gaps_or_repeats(api, people):
    me, friend = people[0], people[1]
    _befriend(me, friend)
    for i in range(5):
        _post(api, friend, f"post {i}")
    first = _feed(api, me, limit=2)
    assert [p["text"] for p in first["data"]] == ["post 4", "post 3"]
    second = _feed(api, me, limit=2, before=first["meta"]["next_cursor"])
    third = _feed(api, me, limit=2, before=second["meta"]["next_cursor"])
    assert [p["text"] for p in second["data"] + third["data"]] == ["post 2", "post 1", "post 0"]
    assert third["meta"]["next_cursor"] is None
    for bad in ("yesterday", "99999999999999999999", "-5"):
        r = api.get("/api/v2/feed", headers=token_for(me), params={"before": bad})
        assert r.status_code == 422 and r.json()["details"]["fields"][0]["code"] == "INVALID_CURSOR"


def test_new_posts_reach_a_built_timeline_and_unfollow_block_mute_unfriend_remove_them(api, people):
    me, friend, followed, other = people
    _befriend(me, friend)
    _befriend(me, other)
    _follow(me, followed)
    assert _texts(api, me) == []  # builds the timeline (Redis) or reads the database (embedded)
    _post(api, friend, "from friend")
    _post(api, followed, "from followed")
    _post(api, other, "from other")
    assert _texts(api, me) == ["from other", "from followed", "from friend"]
    Follow.objects.filter(follower=me, followee=followed).delete()  # unfollow
    assert _texts(api, me) == ["from other", "from friend"]
    block_create(user=friend, blocked_id=me.id)  # blocked by them
    assert _texts(api, me) == ["from other"]
    mute_create(user=me, muted_id=other.id)
    assert _texts(api, me) == []
    assert _texts(api, other) == ["from other"]
    friendship_end(user=other, friend_id=me.id)
    assert _texts(api, other) == ["from other"]


def test_a_feed_page_costs_the_same_queries_for_1_or_20_posts(api, people):

    me, friend = people[0], people[1]
    _befriend(me, friend)
    photo = _media(api, friend)
    _post(api, friend, "p", media_ids=[photo], tagged_user_ids=[str(me.id)])

    def count(limit):

        with CaptureQueriesContext(connection) as ctx:
            items, _ = feed_home(viewer=me, before=None, limit=limit)
        return len(items), len(ctx.captured_queries)

    count(20)  # the first read builds the timeline (one more query)
    _, few = count(20)
    for i in range(20):
        media = [_media(api, friend)] if i % 2 else []
        _post(api, friend, f"more {i}", media_ids=media, tagged_user_ids=[str(me.id)])
    shown, many = count(20)
    assert (shown, few, many) == (20, 9, 9)  # the graph (4), my tickets (1), the posts with their parts (4)


def test_likes_and_comments_with_one_level_of_replies(api, people):
    me, friend, stranger = people[0], people[1], people[2]
    _befriend(me, friend)
    post = _post(api, me, "party", visibility="friends")
    h = token_for(friend)
    assert api.put(f"/api/v2/posts/{post['id']}/like", headers=h).json()["data"]["like_count"] == 1
    again = api.put(f"/api/v2/posts/{post['id']}/like", headers=h).json()["data"]
    assert (again["like_count"], again["liked_by_me"]) == (1, True)
    assert api.put(f"/api/v2/posts/{post['id']}/like", headers=token_for(stranger)).status_code == 404
    c = api.post(f"/api/v2/posts/{post['id']}/comments", headers=h, json={"text": "great!"}).json()["data"]
    r1 = api.post(
        f"/api/v2/posts/{post['id']}/comments", headers=token_for(me), json={"text": "thanks", "parent_id": c["id"]}
    ).json()["data"]
    api.post(f"/api/v2/posts/{post['id']}/comments", headers=h, json={"text": "np", "parent_id": r1["id"]})
    listed = api.get(f"/api/v2/posts/{post['id']}/comments", headers=h).json()
    assert listed["meta"]["total"] == 1
    assert [(x["text"], [y["text"] for y in x["replies"]]) for x in listed["data"]] == [("great!", ["thanks", "np"])]
    assert api.get(f"/api/v2/posts/{post['id']}", headers=h).json()["data"]["comment_count"] == 3
    assert api.delete(f"/api/v2/posts/{post['id']}/comments/{c['id']}", headers=token_for(stranger)).status_code == 403
    assert api.delete(f"/api/v2/posts/{post['id']}/comments/{c['id']}", headers=token_for(me)).status_code == 200
    assert api.delete(f"/api/v2/posts/{post['id']}/like", headers=h).json()["data"]["like_count"] == 0


def test_edit_window_and_deletion_erases_media(api, people):
    me, friend = people[0], people[1]
    photo = _media(api, me)
    post = _post(api, me, "typo", media_ids=[photo])
    r = api.patch(f"/api/v2/posts/{post['id']}", headers=token_for(me), json={"text": "fixed"})
    assert r.status_code == 200 and r.json()["data"]["text"] == "fixed" and r.json()["data"]["edited_at"]
    assert api.patch(f"/api/v2/posts/{post['id']}", headers=token_for(friend), json={"text": "x"}).status_code == 403
    Post.objects.filter(id=post["id"]).update(created_at=timezone.now() - timedelta(minutes=16))
    r = api.patch(f"/api/v2/posts/{post['id']}", headers=token_for(me), json={"text": "later"})
    assert r.status_code == 400 and r.json()["error_code"] == "EDIT_WINDOW_CLOSED"
    names = Media.objects.get(id=photo).file_names()
    assert api.delete(f"/api/v2/posts/{post['id']}", headers=token_for(me)).status_code == 200
    assert api.get(f"/api/v2/posts/{post['id']}", headers=token_for(me)).status_code == 404
    assert not Media.objects.filter(id=photo).exists() and not any(default_storage.exists(n) for n in names)
    assert Post.objects.get(id=post["id"]).deleted_at is not None


def test_home_feed_has_public_posts_at_events_i_hold_a_ticket_for(api, people):
    me, guest, blocker, _ = people
    event, other_event = PublishedEventFactory(), PublishedEventFactory()
    assert _texts(api, me) == []  # builds my timeline before the ticket (Redis) or reads the database
    _post(api, guest, "early at the event", event_id=str(event.id))
    mine = _ticket(me, event)
    assert _texts(api, me) == ["early at the event"]  # a new ticket rebuilds the timeline with the event's posts
    _post(api, guest, "at the event", event_id=str(event.id))
    _post(api, guest, "friends-only at the event", event_id=str(event.id), visibility="friends")
    _post(api, guest, "at another event", event_id=str(other_event.id))
    _post(api, guest, "not at any event")
    _post(api, blocker, "blocker at the event", event_id=str(event.id))
    block_create(user=blocker, blocked_id=me.id)
    assert _texts(api, me) == ["at the event", "early at the event"]
    with transaction.atomic():
        ticket_cancel(ticket=Ticket.objects.select_for_update().get(id=mine.id), reason="test")
    assert _texts(api, me) == []
