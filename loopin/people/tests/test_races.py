"""Graph races with real threads (the pair lock): exactly one friendship, and a block always wins.

On PostgreSQL both people's rows are locked in id order; on SQLite IMMEDIATE transactions serialise writers.
"""

from __future__ import annotations

from collections import Counter

from loopin.people.models import FriendRequest, FriendRequestStatus, Friendship
from loopin.people.selectors import are_friends, is_blocked_between
from loopin.people.services.blocks import block_create
from loopin.people.services.friends import friend_request_accept, friend_request_send
from loopin.testing.concurrency import outcomes, run_at_once
from loopin.testing.factories import UserWithProfileFactory


def test_two_people_asking_each_other_at_once_end_friends_exactly_once(transactional_db):
    for _ in range(5):
        ana, ben = UserWithProfileFactory(), UserWithProfileFactory()
        results = run_at_once(
            [
                lambda a=ana, b=ben: friend_request_send(user=a, to_user_id=b.id),
                lambda a=ana, b=ben: friend_request_send(user=b, to_user_id=a.id),
            ]
        )
        assert sorted(r.became_friends for r in results) == [False, True]
        assert Friendship.objects.filter(user__in=[ana, ben]).count() == 2
        assert are_friends(ana, ben) and are_friends(ben, ana)
        assert FriendRequest.objects.filter(from_user__in=[ana, ben]).count() == 1
        assert FriendRequest.objects.get(from_user__in=[ana, ben]).status == FriendRequestStatus.ACCEPTED


def test_block_racing_accept_leaves_them_blocked_not_friends(transactional_db):
    for _ in range(6):
        ana, ben = UserWithProfileFactory(), UserWithProfileFactory()
        req = friend_request_send(user=ana, to_user_id=ben.id).request
        counted = outcomes(
            [
                lambda b=ben, r=req: friend_request_accept(user=b, request_id=r.id),
                lambda a=ana, b=ben: block_create(user=a, blocked_id=b.id),
            ]
        )
        assert counted["ok"] >= 1
        assert set(counted) <= {"ok", "FRIEND_REQUEST_NOT_PENDING"}
        assert is_blocked_between(ana, ben)
        assert not are_friends(ana, ben) and not are_friends(ben, ana)
        assert Friendship.objects.filter(user__in=[ana, ben]).count() == 0


def test_many_accepts_of_one_request_make_one_friendship(transactional_db):
    ana, ben = UserWithProfileFactory(), UserWithProfileFactory()
    req = friend_request_send(user=ana, to_user_id=ben.id).request
    counted = outcomes([lambda: friend_request_accept(user=ben, request_id=req.id) for _ in range(5)])
    assert counted == Counter({"ok": 1, "FRIEND_REQUEST_NOT_PENDING": 4})
    assert Friendship.objects.filter(user__in=[ana, ben]).count() == 2
