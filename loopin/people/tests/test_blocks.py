"""Blocks and mutes (services.blocks) and what they end."""

from __future__ import annotations

import pytest
from django.dispatch import receiver

from loopin.core.errors import NotFound
from loopin.people import signals
from loopin.people.models import Block, Follow, FollowStatus, FriendRequest, FriendRequestStatus, Friendship
from loopin.people.selectors import (
    are_friends,
    blocked_ids,
    hidden_ids,
    is_blocked_between,
    muted_ids,
)
from loopin.people.services.blocks import block_create, block_remove, mute_create, mute_remove
from loopin.people.services.friends import friend_request_accept, friend_request_send
from loopin.testing.factories import UserWithProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    return UserWithProfileFactory(name="Ana"), UserWithProfileFactory(name="Ben")


def test_block_ends_friendship_follows_and_requests_both_ways(pair):
    ana, ben = pair
    req = friend_request_send(user=ana, to_user_id=ben.id).request
    friend_request_accept(user=ben, request_id=req.id)
    Follow.objects.create(follower=ana, followee=ben)
    Follow.objects.create(follower=ben, followee=ana, status=FollowStatus.PENDING)

    block_create(user=ben, blocked_id=ana.id)

    assert not are_friends(ana, ben) and Friendship.objects.count() == 0
    assert Follow.objects.count() == 0
    assert is_blocked_between(ana, ben) and is_blocked_between(ben, ana)
    assert blocked_ids(ana) == {ben.id} and blocked_ids(ben) == {ana.id}


def test_block_cancels_pending_requests(pair):
    ana, ben = pair
    req = friend_request_send(user=ana, to_user_id=ben.id).request
    block_create(user=ana, blocked_id=ben.id)
    assert FriendRequest.objects.get(id=req.id).status == FriendRequestStatus.CANCELLED


def test_block_twice_is_one_block_and_unblock_restores_nothing(pair):
    ana, ben = pair
    req = friend_request_send(user=ana, to_user_id=ben.id).request
    friend_request_accept(user=ben, request_id=req.id)
    first = block_create(user=ana, blocked_id=ben.id)
    assert block_create(user=ana, blocked_id=ben.id).id == first.id
    block_remove(user=ana, blocked_id=ben.id)
    assert not is_blocked_between(ana, ben)
    assert not are_friends(ana, ben)
    with pytest.raises(NotFound) as again:
        block_remove(user=ana, blocked_id=ben.id)
    assert again.value.code == "NOT_BLOCKED"


def test_both_may_block_each_other_and_one_unblock_keeps_the_other(pair):
    ana, ben = pair
    block_create(user=ana, blocked_id=ben.id)
    block_create(user=ben, blocked_id=ana.id)
    block_remove(user=ana, blocked_id=ben.id)
    assert is_blocked_between(ana, ben)
    assert Block.objects.filter(blocker=ben, blocked=ana).exists()


def test_the_blocked_signal_goes_out_after_commit_with_ids(pair, django_capture_on_commit_callbacks):
    ana, ben = pair
    heard = []

    @receiver(signals.user_blocked, dispatch_uid="test.user_blocked")
    def listen(sender, blocker_id, blocked_id, **kwargs):
        heard.append((blocker_id, blocked_id))

    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            block_create(user=ana, blocked_id=ben.id)
        assert heard == []  # nothing before the commit
        for callback in callbacks:
            callback()
        assert heard == [(ana.id, ben.id)]
    finally:
        signals.user_blocked.disconnect(dispatch_uid="test.user_blocked")


def test_mute_hides_without_blocking(pair):
    ana, ben = pair
    mute_create(user=ana, muted_id=ben.id)
    mute_create(user=ana, muted_id=ben.id)
    assert muted_ids(ana) == {ben.id} and muted_ids(ben) == set()
    assert hidden_ids(ana) == {ben.id} and hidden_ids(ben) == set()
    assert not is_blocked_between(ana, ben)
    mute_remove(user=ana, muted_id=ben.id)
    assert muted_ids(ana) == set()
    with pytest.raises(NotFound):
        mute_remove(user=ana, muted_id=ben.id)
