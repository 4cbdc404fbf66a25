"""People search and suggestions: closeness ranking, privacy, blocks, and a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from loopin.accounts.models import Interest
from loopin.core.errors import RateLimited
from loopin.people.discovery import people_search, people_suggestions
from loopin.people.models import PrivacySettings
from loopin.people.services.blocks import block_create, mute_create
from loopin.people.services.friends import friend_request_accept, friend_request_send
from loopin.people.services.profile import handle_set
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.tickets.models import Ticket, TicketSource

pytestmark = pytest.mark.django_db


def befriend(a, b):
    friend_request_accept(user=b, request_id=friend_request_send(user=a, to_user_id=b.id).request.id)


def attended(event, *people):
    for person in people:
        Ticket.objects.create(
            event=event, user=person, seats=1, source=TicketSource.OPEN, code=f"T{person.pk.hex[:10]}"
        )


def names(rows):
    return [r["name"] for r in rows]


@pytest.fixture
def me():
    return UserWithProfileFactory(name="Me Myself")


def test_search_ranks_friends_then_mutual_friends_then_others(me):
    friend = UserWithProfileFactory(name="Priya Friend")
    close = UserWithProfileFactory(name="Priya Close")
    stranger = UserWithProfileFactory(name="Priya Stranger")
    befriend(me, friend)
    befriend(friend, close)
    rows, total = people_search(viewer=me, q="priya", offset=0, limit=20)
    assert total == 3
    assert names(rows) == ["Priya Friend", "Priya Close", "Priya Stranger"]
    assert [r["mutual_friends"] for r in rows] == [0, 1, 0]
    assert rows[0]["is_friend"] is True and stranger.id not in {r["id"] for r in rows[:2]}


def test_search_by_handle_puts_the_exact_handle_first(me):
    UserWithProfileFactory(name="Rahul One")
    exact = UserWithProfileFactory(name="Zed Rahul")
    other = UserWithProfileFactory(name="Someone")
    handle_set(user=exact, handle="rahul")
    handle_set(user=other, handle="rahul.k")
    rows, total = people_search(viewer=me, q="@Rahul", offset=0, limit=20)
    assert rows[0]["id"] == exact.id and rows[0]["handle"] == "rahul"
    assert (total, rows[1]["name"]) == (2, "Someone")  # "@" searches handles only
    rows, total = people_search(viewer=me, q="rahul", offset=0, limit=20)
    assert rows[0]["id"] == exact.id and total == 3


def test_search_leaves_out_blocked_people_and_those_hiding_from_search(me):
    blocker = UserWithProfileFactory(name="Kiran Blocker")
    hidden = UserWithProfileFactory(name="Kiran Hidden")
    hidden_friend = UserWithProfileFactory(name="Kiran Friend")
    block_create(user=blocker, blocked_id=me.id)
    PrivacySettings.objects.create(user=hidden, show_in_search=False)
    PrivacySettings.objects.create(user=hidden_friend, show_in_search=False)
    befriend(me, hidden_friend)
    rows, total = people_search(viewer=me, q="kiran", offset=0, limit=20)
    assert (names(rows), total) == (["Kiran Friend"], 1)


def test_phone_search_finds_only_listed_numbers_and_looks_the_same_otherwise(me):
    listed = UserWithProfileFactory(name="Listed", phone_number="+919812345670")
    unlisted = UserWithProfileFactory(name="Unlisted", phone_number="+919812345671")
    PrivacySettings.objects.create(user=unlisted, findable_by_phone=False)
    found, total = people_search(viewer=me, q="98123 45670", offset=0, limit=20)
    assert ([r["id"] for r in found], total) == ([listed.id], 1)
    assert people_search(viewer=me, q="+91 98123-45671", offset=0, limit=20) == ([], 0)
    assert people_search(viewer=me, q="+919812345679", offset=0, limit=20) == ([], 0)  # no account at all


def test_phone_searches_are_rate_limited(me, app_settings):
    app_settings.PHONE_SEARCH_RATE = "2/hour"
    people_search(viewer=me, q="+919812345601", offset=0, limit=20)
    people_search(viewer=me, q="+919812345602", offset=0, limit=20)
    with pytest.raises(RateLimited):
        people_search(viewer=me, q="+919812345603", offset=0, limit=20)


def test_suggestions_with_reasons_exclude_friends_blocked_and_muted(me):
    f1, f2 = UserWithProfileFactory(name="F One"), UserWithProfileFactory(name="F Two")
    fof = UserWithProfileFactory(name="Two Mutual")
    one = UserWithProfileFactory(name="One Mutual")
    co = UserWithProfileFactory(name="Went Along")
    blocked = UserWithProfileFactory(name="Blocked Fof")
    muted = UserWithProfileFactory(name="Muted Fof")
    for f in (f1, f2):
        befriend(me, f)
        befriend(f, fof)
    befriend(f1, one)
    befriend(f1, blocked)
    befriend(f1, muted)
    block_create(user=blocked, blocked_id=me.id)
    mute_create(user=me, muted_id=muted.id)
    past = PublishedEventFactory(title="Sunday Run Club", start_at=timezone.now() - timedelta(days=2))
    attended(past, me, co)
    rows, total = people_suggestions(viewer=me, offset=0, limit=20)
    by_name = {r["name"]: r for r in rows}
    assert "F One" not in by_name and "Blocked Fof" not in by_name and "Muted Fof" not in by_name
    assert names(rows)[:3] == ["Two Mutual", "One Mutual", "Went Along"]
    assert by_name["Two Mutual"]["reason"] == "2 mutual friends"
    assert by_name["One Mutual"]["reason"] == "1 mutual friend"
    assert by_name["Went Along"]["reason"] == "Both went to Sunday Run Club"
    assert total == len(rows)


def test_suggestions_from_shared_interests_name_the_interest(me):
    music = Interest.objects.create(name="Pottery", slug="pottery", position=0)
    me.interests.set([music])
    fan = UserWithProfileFactory(name="Music Fan")
    fan.interests.set([music])
    rows, _ = people_suggestions(viewer=me, offset=0, limit=20)
    assert [(r["name"], r["reason"]) for r in rows] == [("Music Fan", "Both into Pottery")]


def test_search_and_suggestions_cost_the_same_queries_for_2_or_20_people(me, django_assert_max_num_queries):
    friends = [UserWithProfileFactory(name=f"Friend {i}") for i in range(3)]
    for f in friends:
        befriend(me, f)
    for i in range(20):
        person = UserWithProfileFactory(name=f"Asha {i}")
        for f in friends[: 1 + i % 3]:
            befriend(f, person)
    past = PublishedEventFactory(start_at=timezone.now() - timedelta(days=2))
    attended(past, me, *list(UserWithProfileFactory._meta.model.objects.filter(name__startswith="Asha"))[:5])
    with django_assert_max_num_queries(3):
        rows, total = people_search(viewer=me, q="asha", offset=0, limit=20)
    assert (len(rows), total) == (20, 20)
    with django_assert_max_num_queries(5):
        rows, total = people_suggestions(viewer=me, offset=0, limit=20)
    assert len(rows) == 20 and all(r["reason"] for r in rows)
    assert rows[0]["mutual_friends"] == 3
