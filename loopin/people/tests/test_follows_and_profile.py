"""Follows (private profiles approve), privacy changes, handles (rules, cooldown, redirects)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from loopin.core.errors import BusinessRuleError, Conflict, NotFound, ValidationFailed
from loopin.people.models import Follow, FollowStatus, HandleHistory, PersonProfile, ProfileVisibility
from loopin.people.selectors import follower_ids, following_ids
from loopin.people.services.follows import (
    follow_create,
    follow_remove,
    follow_request_approve,
    follow_request_decline,
    follower_remove,
)
from loopin.people.services.friends import friend_request_accept, friend_request_send
from loopin.people.services.profile import handle_set, privacy_update
from loopin.testing.factories import UserWithProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    return UserWithProfileFactory(name="Ana"), UserWithProfileFactory(name="Host Ben")


def test_following_a_public_profile_is_immediate_and_once(pair):
    ana, ben = pair
    assert follow_create(user=ana, followee_id=ben.id).status == FollowStatus.ACTIVE
    assert following_ids(ana) == {ben.id} and follower_ids(ben) == {ana.id}
    with pytest.raises(Conflict) as again:
        follow_create(user=ana, followee_id=ben.id)
    assert again.value.code == "ALREADY_FOLLOWING"
    follow_remove(user=ana, followee_id=ben.id)
    assert following_ids(ana) == set()
    with pytest.raises(NotFound):
        follow_remove(user=ana, followee_id=ben.id)


def test_a_private_profile_approves_or_declines_followers(pair):
    ana, ben = pair
    cleo = UserWithProfileFactory(name="Cleo")
    privacy_update(user=ben, changes={"profile_visibility": ProfileVisibility.PRIVATE})
    assert follow_create(user=ana, followee_id=ben.id).status == FollowStatus.PENDING
    follow_create(user=cleo, followee_id=ben.id)
    assert follower_ids(ben) == set()
    with pytest.raises(Conflict) as asked:
        follow_create(user=ana, followee_id=ben.id)
    assert asked.value.code == "FOLLOW_REQUESTED"
    follow_request_approve(user=ben, follower_id=ana.id)
    follow_request_decline(user=ben, follower_id=cleo.id)
    assert follower_ids(ben) == {ana.id}
    assert not Follow.objects.filter(follower=cleo).exists()
    with pytest.raises(NotFound):
        follow_request_approve(user=ben, follower_id=cleo.id)


def test_a_friend_follows_a_private_profile_without_asking(pair):
    ana, ben = pair
    friend_request_accept(user=ben, request_id=friend_request_send(user=ana, to_user_id=ben.id).request.id)
    privacy_update(user=ben, changes={"profile_visibility": ProfileVisibility.PRIVATE})
    assert follow_create(user=ana, followee_id=ben.id).status == FollowStatus.ACTIVE


def test_turning_public_lets_every_waiting_follower_in(pair):
    ana, ben = pair
    privacy_update(user=ben, changes={"profile_visibility": ProfileVisibility.PRIVATE})
    follow_create(user=ana, followee_id=ben.id)
    privacy_update(user=ben, changes={"profile_visibility": ProfileVisibility.PUBLIC})
    assert follower_ids(ben) == {ana.id}


def test_removing_a_follower(pair):
    ana, ben = pair
    follow_create(user=ana, followee_id=ben.id)
    follower_remove(user=ben, follower_id=ana.id)
    assert follower_ids(ben) == set()


@pytest.mark.parametrize("bad", ["ab", "a" * 31, "has space", "dot.", ".dot", "two..dots", "émile", "admin", "LOOPIN"])
def test_handle_rules_refuse(pair, bad):
    ana, _ = pair
    with pytest.raises(ValidationFailed):
        handle_set(user=ana, handle=bad)


def test_handles_are_unique_whatever_the_case(pair):
    ana, ben = pair
    handle_set(user=ana, handle="Ana.Rao_1")
    with pytest.raises(Conflict) as taken:
        handle_set(user=ben, handle="ana.rao_1")
    assert taken.value.code == "HANDLE_TAKEN"
    assert PersonProfile.objects.get(user=ana).handle == "Ana.Rao_1"


def test_a_handle_changes_again_only_after_the_cooldown(pair, app_settings):
    ana, _ = pair
    app_settings.HANDLE_CHANGE_COOLDOWN_DAYS = 14
    handle_set(user=ana, handle="first")
    handle_set(user=ana, handle="second")  # the first choice was a claim, not a change
    with pytest.raises(BusinessRuleError) as soon:
        handle_set(user=ana, handle="third")
    assert soon.value.code == "HANDLE_COOLDOWN" and "next_change_at" in soon.value.details
    handle_set(user=ana, handle="SECOND")  # only the case: no cooldown, no redirect
    PersonProfile.objects.filter(user=ana).update(handle_changed_at=timezone.now() - timedelta(days=15))
    assert handle_set(user=ana, handle="third").handle == "third"


def test_an_old_handle_stays_its_owners_for_30_days(pair, app_settings):
    ana, ben = pair
    app_settings.HANDLE_CHANGE_COOLDOWN_DAYS = 0
    handle_set(user=ana, handle="old_name")
    handle_set(user=ana, handle="new_name")
    with pytest.raises(Conflict):
        handle_set(user=ben, handle="old_name")
    HandleHistory.objects.filter(user=ana).update(released_at=timezone.now() - timedelta(days=31))
    assert handle_set(user=ben, handle="old_name").handle == "old_name"


def test_taking_back_my_old_handle_ends_its_redirect(pair, app_settings):
    ana, _ = pair
    app_settings.HANDLE_CHANGE_COOLDOWN_DAYS = 0
    handle_set(user=ana, handle="mine")
    handle_set(user=ana, handle="other")
    handle_set(user=ana, handle="mine")
    assert list(HandleHistory.objects.filter(user=ana).values_list("handle", flat=True)) == ["other"]
