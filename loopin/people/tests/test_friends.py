"""Friend requests and friendships (services.friends)."""

from __future__ import annotations

import uuid

import pytest

from loopin.core.errors import BusinessRuleError, Conflict, NotFound, PermissionDenied
from loopin.people.models import FriendRequest, FriendRequestStatus, Friendship, PrivacySettings, RequestsFrom
from loopin.people.selectors import are_friends, friend_ids
from loopin.people.services.blocks import block_create
from loopin.people.services.friends import (
    friend_request_accept,
    friend_request_cancel,
    friend_request_decline,
    friend_request_send,
    friendship_end,
)
from loopin.testing.factories import UserWithProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana():
    return UserWithProfileFactory(name="Ana")


@pytest.fixture
def ben():
    return UserWithProfileFactory(name="Ben")


def befriend(a, b):
    req = friend_request_send(user=a, to_user_id=b.id).request
    friend_request_accept(user=b, request_id=req.id)


def test_a_request_then_accept_makes_two_friends_both_ways(ana, ben):
    result = friend_request_send(user=ana, to_user_id=ben.id)
    assert (result.became_friends, result.request.status) == (False, FriendRequestStatus.PENDING)
    assert not are_friends(ana, ben)

    friend_request_accept(user=ben, request_id=result.request.id)

    assert are_friends(ana, ben) and are_friends(ben.id, ana.id)
    assert friend_ids(ana) == {ben.id} and friend_ids(ben) == {ana.id}
    assert FriendRequest.objects.get(id=result.request.id).status == FriendRequestStatus.ACCEPTED


def test_asking_someone_who_already_asked_me_accepts_both(ana, ben):
    first = friend_request_send(user=ana, to_user_id=ben.id).request
    second = friend_request_send(user=ben, to_user_id=ana.id)
    assert second.became_friends is True
    assert second.request.id == first.id
    assert Friendship.objects.count() == 2
    assert FriendRequest.objects.filter(status=FriendRequestStatus.PENDING).count() == 0


def test_asking_twice_or_asking_a_friend_is_a_conflict(ana, ben):
    friend_request_send(user=ana, to_user_id=ben.id)
    with pytest.raises(Conflict) as again:
        friend_request_send(user=ana, to_user_id=ben.id)
    assert again.value.code == "FRIEND_REQUEST_EXISTS"
    friend_request_send(user=ben, to_user_id=ana.id)
    with pytest.raises(Conflict) as friends:
        friend_request_send(user=ana, to_user_id=ben.id)
    assert friends.value.code == "ALREADY_FRIENDS"


def test_asking_yourself_or_nobody_is_refused(ana):

    with pytest.raises(BusinessRuleError) as me:
        friend_request_send(user=ana, to_user_id=ana.id)
    assert me.value.code == "SELF"
    with pytest.raises(NotFound) as nobody:
        friend_request_send(user=ana, to_user_id=uuid.uuid4())
    assert nobody.value.code == "USER_NOT_FOUND"


def test_only_the_recipient_accepts_and_only_the_sender_cancels(ana, ben):
    req = friend_request_send(user=ana, to_user_id=ben.id).request
    with pytest.raises(NotFound):
        friend_request_accept(user=ana, request_id=req.id)
    with pytest.raises(NotFound):
        friend_request_cancel(user=ben, request_id=req.id)
    friend_request_cancel(user=ana, request_id=req.id)
    with pytest.raises(BusinessRuleError) as late:
        friend_request_accept(user=ben, request_id=req.id)
    assert late.value.code == "FRIEND_REQUEST_NOT_PENDING"
    assert not are_friends(ana, ben)


def test_a_declined_request_makes_no_friendship_and_may_be_sent_again(ana, ben):
    req = friend_request_send(user=ana, to_user_id=ben.id).request
    friend_request_decline(user=ben, request_id=req.id)
    assert FriendRequest.objects.get(id=req.id).status == FriendRequestStatus.DECLINED
    assert not are_friends(ana, ben)
    again = friend_request_send(user=ana, to_user_id=ben.id)
    assert again.request.status == FriendRequestStatus.PENDING


def test_unfriend_removes_both_directions(ana, ben):
    befriend(ana, ben)
    friendship_end(user=ben, friend_id=ana.id)
    assert Friendship.objects.count() == 0
    with pytest.raises(NotFound) as again:
        friendship_end(user=ben, friend_id=ana.id)
    assert again.value.code == "NOT_FRIENDS"


def test_nobody_setting_refuses_requests(ana, ben):
    PrivacySettings.objects.create(user=ben, friend_requests_from=RequestsFrom.NOBODY)
    with pytest.raises(PermissionDenied) as refused:
        friend_request_send(user=ana, to_user_id=ben.id)
    assert refused.value.code == "FRIEND_REQUESTS_CLOSED"


def test_friends_of_friends_setting_needs_a_mutual_friend(ana, ben):
    cleo = UserWithProfileFactory(name="Cleo")
    PrivacySettings.objects.create(user=ben, friend_requests_from=RequestsFrom.FRIENDS_OF_FRIENDS)
    with pytest.raises(PermissionDenied):
        friend_request_send(user=ana, to_user_id=ben.id)
    befriend(ana, cleo)
    befriend(ben, cleo)
    assert friend_request_send(user=ana, to_user_id=ben.id).request.status == FriendRequestStatus.PENDING


def test_a_blocked_person_cannot_ask_and_the_block_is_not_revealed(ana, ben):
    block_create(user=ben, blocked_id=ana.id)
    with pytest.raises(NotFound) as hidden:
        friend_request_send(user=ana, to_user_id=ben.id)
    assert hidden.value.code == "USER_NOT_FOUND"
    with pytest.raises(NotFound):
        friend_request_send(user=ben, to_user_id=ana.id)


def test_a_suspended_or_deleted_person_cannot_be_asked(ana, ben):
    ben.is_suspended = True
    ben.save()
    with pytest.raises(NotFound):
        friend_request_send(user=ana, to_user_id=ben.id)
