"""Friend requests, acceptances, followers and warnings reach the notification centre (push by preference)."""

from __future__ import annotations

import pytest

from loopin.notifications.models import Notification, Preference
from loopin.people.models import PrivacySettings, ProfileVisibility
from loopin.people.services.blocks import block_create
from loopin.people.services.follows import follow_create, follow_request_approve
from loopin.people.services.friends import friend_request_accept, friend_request_send
from loopin.testing.factories import UserWithProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    return UserWithProfileFactory(name="Ana"), UserWithProfileFactory(name="Ben")


def test_a_friend_request_and_its_acceptance_notify_the_other_person(pair, django_capture_on_commit_callbacks):
    ana, ben = pair
    with django_capture_on_commit_callbacks(execute=True):
        req = friend_request_send(user=ana, to_user_id=ben.id).request
    got = Notification.objects.get(user=ben)
    assert (got.type, got.category, got.title) == ("friend_request.received", "people", "Ana sent you a friend request")
    assert got.push_requested is True
    with django_capture_on_commit_callbacks(execute=True):
        friend_request_accept(user=ben, request_id=req.id)
    back = Notification.objects.get(user=ana)
    assert (back.type, back.title) == ("friend_request.accepted", "Ben accepted your friend request")


def test_people_push_off_keeps_the_notification_in_the_centre_only(pair, django_capture_on_commit_callbacks):
    ana, ben = pair
    Preference.objects.create(user=ben, category="people", push_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        follow_create(user=ana, followee_id=ben.id)
    got = Notification.objects.get(user=ben)
    assert (got.type, got.title, got.push_requested) == ("follower.new", "Ana started following you", False)


def test_a_private_profile_hears_a_follow_request_and_nothing_more_when_approving(
    pair, django_capture_on_commit_callbacks
):
    ana, ben = pair
    PrivacySettings.objects.create(user=ben, profile_visibility=ProfileVisibility.PRIVATE)
    with django_capture_on_commit_callbacks(execute=True):
        follow_create(user=ana, followee_id=ben.id)
    assert list(Notification.objects.filter(user=ben).values_list("type", flat=True)) == ["follow.requested"]
    with django_capture_on_commit_callbacks(execute=True):
        follow_request_approve(user=ben, follower_id=ana.id)
    assert list(Notification.objects.filter(user=ben).values_list("type", flat=True)) == ["follow.requested"]


def test_a_request_ended_by_a_block_before_its_job_ran_notifies_nobody(pair, django_capture_on_commit_callbacks):
    ana, ben = pair
    with django_capture_on_commit_callbacks(execute=False) as pending:
        friend_request_send(user=ana, to_user_id=ben.id)
    block_create(user=ben, blocked_id=ana.id)
    for callback in pending:
        callback()
    assert Notification.objects.filter(user=ben).count() == 0
