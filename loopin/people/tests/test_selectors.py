"""The graph API other domains call (selectors): privacy accessors and relationships."""

from __future__ import annotations

import pytest

from loopin.people.models import Audience, Follow, FollowStatus, PrivacySettings, ProfileVisibility
from loopin.people.selectors import (
    can_message,
    can_see_events,
    can_see_friends,
    can_see_presence,
    can_view_details,
    follower_ids,
    following_ids,
    relationship,
    relationships,
)
from loopin.people.services.blocks import block_create, mute_create
from loopin.people.services.friends import friend_request_accept, friend_request_send
from loopin.testing.factories import UserWithProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trio():
    return UserWithProfileFactory(name="Ana"), UserWithProfileFactory(name="Ben"), UserWithProfileFactory(name="Cleo")


def befriend(a, b):
    friend_request_accept(user=b, request_id=friend_request_send(user=a, to_user_id=b.id).request.id)


def test_defaults_friends_list_public_events_and_presence_for_friends(trio):
    ana, ben, cleo = trio
    befriend(ana, ben)
    assert can_see_friends(cleo, ana) and can_see_friends(None, ana)
    assert can_see_events(ben, ana) and not can_see_events(cleo, ana) and not can_see_events(None, ana)
    assert can_see_presence(ben, ana) and not can_see_presence(cleo, ana) and not can_see_presence(None, ana)
    assert can_view_details(cleo, ana) and can_view_details(None, ana)


def test_nobody_audience_leaves_only_the_person_themself(trio):
    ana, ben, _ = trio
    befriend(ana, ben)
    PrivacySettings.objects.create(
        user=ana,
        friends_list_visible_to=Audience.NOBODY,
        events_visible_to=Audience.NOBODY,
        presence_visible_to=Audience.NOBODY,
    )
    assert not can_see_friends(ben, ana) and not can_see_events(ben, ana) and not can_see_presence(ben, ana)
    assert can_see_friends(ana, ana) and can_see_events(ana, ana) and can_see_presence(ana, ana)


def test_private_profile_details_for_friends_and_approved_followers_only(trio):
    ana, ben, cleo = trio
    dev = UserWithProfileFactory(name="Dev")
    PrivacySettings.objects.create(user=ana, profile_visibility=ProfileVisibility.PRIVATE)
    befriend(ana, ben)
    Follow.objects.create(follower=cleo, followee=ana, status=FollowStatus.ACTIVE)
    Follow.objects.create(follower=dev, followee=ana, status=FollowStatus.PENDING)
    assert can_view_details(ben, ana) and can_view_details(cleo, ana)
    assert not can_view_details(dev, ana) and not can_view_details(None, ana)
    assert following_ids(cleo) == {ana.id} and following_ids(dev) == set()
    assert follower_ids(ana) == {cleo.id}


def test_a_block_hides_everything_either_way(trio):
    ana, ben, _ = trio
    befriend(ana, ben)
    block_create(user=ana, blocked_id=ben.id)
    for viewer, subject in ((ana, ben), (ben, ana)):
        assert not can_view_details(viewer, subject)
        assert not can_see_friends(viewer, subject)
        assert not can_see_presence(viewer, subject)
        assert not can_message(viewer, subject)


def test_relationships_of_a_page_in_five_queries(trio, django_assert_num_queries):
    ana, ben, cleo = trio
    others = [UserWithProfileFactory() for _ in range(20)]
    befriend(ana, ben)
    friend_request_send(user=cleo, to_user_id=ana.id)
    Follow.objects.create(follower=ana, followee=cleo)
    mute_create(user=ana, muted_id=others[0].id)
    ids = [ben.id, cleo.id, ana.id, *(o.id for o in others)]
    with django_assert_num_queries(5):
        found = relationships(ana, ids)
    assert found[ben.id].friend and not found[ben.id].following
    assert found[cleo.id].request_received and found[cleo.id].following and not found[cleo.id].friend
    assert found[ana.id].is_self
    assert found[others[0].id].muted and not found[others[1].id].muted
    assert relationship(cleo, ana).request_sent and relationship(cleo, ana).followed_by
