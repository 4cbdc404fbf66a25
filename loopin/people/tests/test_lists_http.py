"""The people lists over HTTP on one network of 160 people: pages, exact items, blocks hiding people, and
the SQL statements each request runs (the same for a page of 2 and a page of 20: docs/PEOPLE.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client import REGISTRY

from loopin.accounts.models import User
from loopin.core.sessioncache import session_cache
from loopin.people.models import FriendRequest
from loopin.people.services.blocks import block_create, mute_create
from loopin.people.services.follows import follow_create
from loopin.people.services.friends import friend_request_accept, friend_request_send
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for

pytestmark = pytest.mark.django_db(transaction=True)

N = 22  # people in each of the caller's other lists


def _people(prefix: str, n: int) -> list[User]:
    return [UserWithProfileFactory(name=f"{prefix} {i:02d}") for i in range(n)]


def _befriend(a: User, b: User) -> None:
    friend_request_accept(user=b, request_id=friend_request_send(user=a, to_user_id=b.id).request.id)


@pytest.fixture
def net(api):
    """Me with 25 friends, 22 incoming and 22 outgoing requests, 22 followers, 22 followed, 22 blocked,
    22 muted; 5 strangers who are friends with 5 of my friends each; Zed, who blocked me, friends with 3."""
    me = UserWithProfileFactory(name="Me Myself")
    friends = _people("Friend", 25)
    for f in friends:
        _befriend(me, f)
    strangers = _people("Stranger", 5)
    for k, s in enumerate(strangers):
        for f in friends[5 * k : 5 * k + 5]:
            _befriend(f, s)
    zed = UserWithProfileFactory(name="Zed Blocker")
    for f in friends[:3]:
        _befriend(f, zed)
    block_create(user=zed, blocked_id=me.id)
    incoming, outgoing = _people("Asker", N), _people("Asked", N)
    start = timezone.now() - timedelta(hours=1)
    for i, (a, b) in enumerate(zip(incoming, outgoing, strict=True)):
        FriendRequest.objects.filter(pk=friend_request_send(user=a, to_user_id=me.id).request.id).update(
            created_at=start + timedelta(minutes=i)
        )
        FriendRequest.objects.filter(pk=friend_request_send(user=me, to_user_id=b.id).request.id).update(
            created_at=start + timedelta(minutes=i)
        )
    followers, followed = _people("Watcher", N), _people("Star", N)
    for w, g in zip(followers, followed, strict=True):
        follow_create(user=w, followee_id=me.id)
        follow_create(user=me, followee_id=g.id)
    blocked, muted = _people("Blocked", N), _people("Muted", N)
    for b, m in zip(blocked, muted, strict=True):
        block_create(user=me, blocked_id=b.id)
        mute_create(user=me, muted_id=m.id)
    # Suggestions from friends of friends only (every factory person shares the default interest).
    User.interests.through.objects.all().delete()
    return {
        "me": me,
        "auth": token_for(me),
        "friends": friends,
        "strangers": strangers,
        "zed": zed,
        "incoming": incoming,
        "outgoing": outgoing,
        "followers": followers,
        "followed": followed,
        "blocked": blocked,
        "muted": muted,
    }


def ids(people):
    return [str(p.id) for p in people]


def _get(api, net, path, **params):
    r = api.get(path, params=params, headers=net["auth"])
    assert r.status_code == 200, r.text
    return r.json()


def _queries(api, net, route: str, path: str, **params) -> int:
    """SQL statements the request ran (the app's own per-request counter, by route template)."""
    key = ("loopin_db_queries_per_request_sum", {"route": route})
    # Every measured request pays its session check (the per-process cache would otherwise answer it for
    # SESSION_CACHE_SECONDS, so the count would depend on how long the run takes).
    session_cache().forget(user_id=net["me"].id)
    before = REGISTRY.get_sample_value(*key) or 0.0
    _get(api, net, path, **params)
    return int((REGISTRY.get_sample_value(*key) or 0.0) - before)


def test_my_friends_page_by_name_with_mutual_counts(api, net):
    first = _get(api, net, "/api/v2/me/friends")
    second = _get(api, net, "/api/v2/me/friends", offset=20, limit=20)
    assert first["meta"] == {"total": 25, "offset": 0, "limit": 20}
    assert [p["id"] for p in first["data"]] == ids(net["friends"][:20])
    assert [p["id"] for p in second["data"]] == ids(net["friends"][20:])
    assert {(p["is_friend"], p["mutual_friends"]) for p in first["data"] + second["data"]} == {(True, 0)}
    card = first["data"][0]
    assert set(card) == {"id", "name", "handle", "picture", "mutual_friends", "is_friend"}
    assert (card["name"], card["picture"]) == ("Friend 00", f"https://example.com/{net['friends'][0].id}.jpg")


def test_friend_requests_in_and_out_newest_first(api, net):
    inbox = _get(api, net, "/api/v2/me/friend-requests", limit=10)
    inbox3 = _get(api, net, "/api/v2/me/friend-requests", offset=20, limit=10)
    outbox = _get(api, net, "/api/v2/me/friend-requests", direction="outgoing", limit=10)
    assert inbox["meta"]["total"] == outbox["meta"]["total"] == N
    newest_first = list(reversed(net["incoming"]))
    assert [r["person"]["id"] for r in inbox["data"]] == ids(newest_first[:10])
    assert [r["person"]["id"] for r in inbox3["data"]] == ids(newest_first[20:])
    assert {(r["direction"], r["status"]) for r in inbox["data"]} == {("incoming", "pending")}
    assert [r["person"]["id"] for r in outbox["data"]] == ids(list(reversed(net["outgoing"]))[:10])
    assert {r["direction"] for r in outbox["data"]} == {"outgoing"}


def test_followers_following_blocks_and_mutes_page_by_name(api, net):
    for path, people in (
        ("/api/v2/me/followers", net["followers"]),
        ("/api/v2/me/following", net["followed"]),
        ("/api/v2/me/blocks", net["blocked"]),
        ("/api/v2/me/mutes", net["muted"]),
        (f"/api/v2/users/{net['me'].id}/followers", net["followers"]),
        (f"/api/v2/users/{net['me'].id}/following", net["followed"]),
    ):
        first = _get(api, net, path, limit=20)
        rest = _get(api, net, path, offset=20, limit=20)
        assert first["meta"]["total"] == N, path
        assert [p["id"] for p in first["data"] + rest["data"]] == ids(people), path


def test_search_and_suggestions_rank_and_page(api, net):
    found = _get(api, net, "/api/v2/users/search", q="friend")
    found2 = _get(api, net, "/api/v2/users/search", q="friend", offset=20)
    assert found["meta"]["total"] == 25
    assert [p["id"] for p in found["data"] + found2["data"]] == ids(net["friends"])
    strangers = _get(api, net, "/api/v2/users/search", q="stranger")
    assert [(p["name"], p["mutual_friends"], p["is_friend"]) for p in strangers["data"]] == [
        (f"Stranger {k:02d}", 5, False) for k in range(5)
    ]
    suggested = _get(api, net, "/api/v2/me/suggestions")
    assert suggested["meta"]["total"] == 5
    assert [(p["id"], p["reason"]) for p in suggested["data"]] == [
        (str(s.id), "5 mutual friends") for s in net["strangers"]
    ]


def test_a_block_hides_the_person_from_every_list(api, net):
    zed, friend = net["zed"], net["friends"][0]
    assert _get(api, net, "/api/v2/users/search", q="zed")["meta"]["total"] == 0
    assert str(zed.id) not in [p["id"] for p in _get(api, net, "/api/v2/me/suggestions", limit=100)["data"]]
    theirs = _get(api, net, f"/api/v2/users/{friend.id}/friends")
    assert [p["name"] for p in theirs["data"]] == ["Me Myself", "Stranger 00"]
    assert theirs["meta"]["total"] == 2
    mutual = _get(api, net, f"/api/v2/users/{net['strangers'][0].id}/mutual-friends")
    assert [p["id"] for p in mutual["data"]] == ids(net["friends"][:5])
    for path in (f"/api/v2/users/{zed.id}", f"/api/v2/users/{zed.id}/friends"):
        r = api.get(path, headers=net["auth"])
        assert (r.status_code, r.json()["error_code"]) == (404, "USER_NOT_FOUND"), path
    # And the people I blocked are in none of my lists but the blocks list.
    blocked = set(ids(net["blocked"]))
    for path in ("/api/v2/me/friends", "/api/v2/me/followers", "/api/v2/me/suggestions"):
        assert not blocked & {p["id"] for p in _get(api, net, path, limit=100)["data"]}, path


# The SQL statements of one request (session check and all), measured on this network: docs/PEOPLE.md.
LISTS = {
    "my friends": ("/api/v2/me/friends", "/api/v2/me/friends", {}),
    "friend requests in": ("/api/v2/me/friend-requests", "/api/v2/me/friend-requests", {}),
    "friend requests out": ("/api/v2/me/friend-requests", "/api/v2/me/friend-requests", {"direction": "outgoing"}),
    "my followers": ("/api/v2/me/followers", "/api/v2/me/followers", {}),
    "my following": ("/api/v2/me/following", "/api/v2/me/following", {}),
    "my blocks": ("/api/v2/me/blocks", "/api/v2/me/blocks", {}),
    "my mutes": ("/api/v2/me/mutes", "/api/v2/me/mutes", {}),
    "search": ("/api/v2/users/search", "/api/v2/users/search", {"q": "friend"}),
    "suggestions": ("/api/v2/me/suggestions", "/api/v2/me/suggestions", {}),
}
EXPECTED = {
    "my friends": 4,
    "friend requests in": 5,
    "friend requests out": 5,
    "my followers": 4,
    "my following": 4,
    "my blocks": 4,
    "my mutes": 4,
    "search": 4,
    "suggestions": 4,
    "their friends": 8,
    "mutual friends": 6,
    "their followers": 5,
}


def test_every_list_costs_the_same_statements_for_a_page_of_2_or_20(api, net):
    lists = dict(LISTS)
    friend = net["friends"][0]
    lists["their friends"] = ("/api/v2/users/{user_id}/friends", f"/api/v2/users/{friend.id}/friends", {})
    lists["mutual friends"] = (
        "/api/v2/users/{user_id}/mutual-friends",
        f"/api/v2/users/{net['strangers'][0].id}/mutual-friends",
        {},
    )
    lists["their followers"] = ("/api/v2/users/{user_id}/followers", f"/api/v2/users/{net['me'].id}/followers", {})
    _get(api, net, "/api/v2/me/friends")  # warm: the caller's first request loads what every later one reuses
    measured = {}
    for name, (route, path, params) in lists.items():
        small = _queries(api, net, route, path, **params, limit=2)
        large = _queries(api, net, route, path, **params, limit=20)
        assert small == large, name
        measured[name] = large
    assert measured == EXPECTED
