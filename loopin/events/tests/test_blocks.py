"""A block between a host and a guest at the host's events (events.services.blocks, rules, attendee list)."""

from __future__ import annotations

import pytest

from loopin.core.errors import BusinessRuleError, PermissionDenied, ValidationFailed
from loopin.events.models import Invitation, InvitationStatus, JoinMode, JoinRequest, RequestStatus
from loopin.participation.attendance import attendance_confirm
from loopin.participation.invitations import invitation_respond, invitations_create
from loopin.participation.join_requests import join_request_create
from loopin.participation.ticket_reads import event_attendees
from loopin.people.services.blocks import block_create
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def host():
    return UserWithProfileFactory(name="Host")


@pytest.fixture
def guest():
    return UserWithProfileFactory(name="Guest")


def test_a_blocked_person_cannot_ask_to_join_or_take_a_seat(host, guest):
    approval = PublishedEventFactory(host=host, join_mode=JoinMode.APPROVAL)
    open_event = PublishedEventFactory(host=host)
    block_create(user=host, blocked_id=guest.id)
    with pytest.raises(PermissionDenied) as asked:
        join_request_create(user=guest, event_id=approval.id)
    assert asked.value.code == "JOIN_NOT_ALLOWED"
    with pytest.raises(PermissionDenied):
        attendance_confirm(user=guest, event_id=open_event.id)


def test_blocking_the_host_also_refuses_joining(host, guest):
    event = PublishedEventFactory(host=host)
    block_create(user=guest, blocked_id=host.id)
    with pytest.raises(PermissionDenied):
        attendance_confirm(user=guest, event_id=event.id)


def test_a_block_revokes_invitations_and_declines_requests_between_the_two(
    host, guest, django_capture_on_commit_callbacks
):
    invited_to = PublishedEventFactory(host=host, join_mode=JoinMode.INVITE_ONLY)
    asked_for = PublishedEventFactory(host=host, join_mode=JoinMode.APPROVAL)
    with django_capture_on_commit_callbacks(execute=True):
        (invitation,) = invitations_create(host=host, event_id=invited_to.id, user_ids=[guest.id])
        request = join_request_create(user=guest, event_id=asked_for.id)
    with django_capture_on_commit_callbacks(execute=True):
        block_create(user=guest, blocked_id=host.id)
    assert Invitation.objects.get(id=invitation.id).status == InvitationStatus.REVOKED
    assert JoinRequest.objects.get(id=request.id).status == RequestStatus.DECLINED
    with pytest.raises(BusinessRuleError) as answered:
        invitation_respond(user=guest, invitation_id=invitation.id, response="going")
    assert answered.value.code == "INVITATION_REVOKED"


def test_a_host_cannot_invite_someone_blocked_either_way(host, guest):
    event = PublishedEventFactory(host=host)
    block_create(user=guest, blocked_id=host.id)
    with pytest.raises(ValidationFailed) as refused:
        invitations_create(host=host, event_id=event.id, user_ids=[guest.id])
    assert refused.value.details["fields"][0]["code"] == "UNKNOWN_USER"


def test_the_attendee_list_shows_nothing_of_a_blocked_person(host, guest):
    event = PublishedEventFactory(host=host)
    other = UserWithProfileFactory(name="Other")
    attendance_confirm(user=guest, event_id=event.id)
    attendance_confirm(user=other, event_id=event.id)
    block_create(user=host, blocked_id=guest.id)
    rows, total = event_attendees(user=host, event_id=event.id, offset=0, limit=20)
    assert total == 1 and [r.attendee.id for r in rows if r.attendee] == [other.id]
