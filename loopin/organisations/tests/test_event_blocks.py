"""Blocks and door staff at an organisation's event: the host, for a block, is every member whose role holds
`decide` now (owner, admin, manager, agent; `events.selectors.blocks`), never a door-role member nor the member
who created the event once they are gone; a member whose role works the door is already at the door."""

from __future__ import annotations

import csv
import io

import pytest

from loopin.albums.selectors import album_event
from loopin.chat.models import Member, MemberState
from loopin.chat.services.groups import event_chat_open
from loopin.core.errors import BusinessRuleError, NotFound, PermissionDenied
from loopin.events.models import Invitation, InvitationStatus, JoinMode, JoinRequest, RequestStatus
from loopin.notifications.models import Notification
from loopin.notifications.tests.conftest import types_by_user
from loopin.organisations.services import member_remove
from loopin.organisations.tests.conftest import add_member, make_org
from loopin.participation.guest_list import guest_list_export
from loopin.participation.join_requests import join_request_create
from loopin.people.models import Block
from loopin.people.services.blocks import block_create
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for
from loopin.tickets.door.staff import door_staff_add
from loopin.tickets.models import DoorStaff, Ticket, TicketSource, TicketStatus


@pytest.fixture
def club(db: None):
    """The Brewhouse runs an approval event created by a manager who is then removed."""
    org = make_org()
    creator = add_member(org.organisation, "manager")
    event = PublishedEventFactory(host=creator, organisation=org.organisation, join_mode=JoinMode.APPROVAL)
    member_remove(user=org.owner, organisation_id=org.organisation.id, user_id=creator.id)
    return org, event, creator


def _ticket(event, user, code: str) -> Ticket:
    return Ticket.objects.create(
        event=event, user=user, seats=1, status=TicketStatus.VALID, source=TicketSource.OPEN, code=code
    )


def test_a_guest_blocked_with_a_member_who_decides_cannot_join_but_one_blocked_with_the_door_or_creator_can(club):
    org, event, creator = club
    outcomes = {}
    for name, member in (("agent", org.agent), ("owner", org.owner), ("door", org.door), ("creator", creator)):
        guest = UserWithProfileFactory()
        Block.objects.create(blocker=guest, blocked=member)
        try:
            join_request_create(user=guest, event_id=event.id)
            outcomes[name] = "asked"
        except PermissionDenied as exc:
            outcomes[name] = exc.code
    assert outcomes == {"agent": "JOIN_NOT_ALLOWED", "owner": "JOIN_NOT_ALLOWED", "door": "asked", "creator": "asked"}


def test_blocking_a_guest_ends_invitations_and_requests_at_the_events_the_blocker_decides_on(
    club, django_capture_on_commit_callbacks
):
    org, event, creator = club
    asked, invited, other = UserWithProfileFactory(), UserWithProfileFactory(), UserWithProfileFactory()
    request = join_request_create(user=asked, event_id=event.id)
    other_request = join_request_create(user=other, event_id=event.id)
    invitation = Invitation.objects.create(event=event, invitee=invited, invited_by=org.agent)
    with django_capture_on_commit_callbacks(execute=True):
        block_create(user=org.manager, blocked_id=asked.id)
        block_create(user=invited, blocked_id=org.admin.id)  # the guest blocks a member: the same
        block_create(user=org.door, blocked_id=other.id)  # a door-role member is not the host for a block
        block_create(user=creator, blocked_id=other.id)  # nor is the creator once gone
    request.refresh_from_db()
    other_request.refresh_from_db()
    invitation.refresh_from_db()
    assert (request.status, invitation.status, other_request.status) == (
        RequestStatus.DECLINED,
        InvitationStatus.REVOKED,
        RequestStatus.PENDING,
    )


def test_a_block_with_a_member_who_decides_takes_the_guest_out_of_the_event_chat(
    club, django_capture_on_commit_callbacks
):
    org, event, creator = club
    blocked, kept = UserWithProfileFactory(), UserWithProfileFactory()
    _ticket(event, blocked, "BLOCK001")
    _ticket(event, kept, "BLOCK002")
    conv = event_chat_open(event_id=event.id)
    with django_capture_on_commit_callbacks(execute=True):
        block_create(user=org.owner, blocked_id=blocked.id)
        block_create(user=kept, blocked_id=org.door.id)
        block_create(user=kept, blocked_id=creator.id)
    states = dict(Member.objects.filter(conversation=conv, user__in=[blocked, kept]).values_list("user_id", "state"))
    assert states == {blocked.id: MemberState.REMOVED, kept.id: MemberState.ACTIVE}
    host_states = set(Member.objects.filter(conversation=conv, user=org.owner).values_list("state", flat=True))
    assert host_states == {MemberState.ACTIVE}  # the blocker stays the chat's host


def test_the_guest_list_export_leaves_out_guests_blocked_with_a_member_who_decides(club):
    org, event, creator = club
    blocked, with_door, with_creator = (UserWithProfileFactory(name=n) for n in ("Blocked", "Door", "Creator"))
    for i, guest in enumerate((blocked, with_door, with_creator)):
        _ticket(event, guest, f"EXPORT0{i}")
    Block.objects.create(blocker=org.admin, blocked=blocked)
    Block.objects.create(blocker=org.door, blocked=with_door)
    Block.objects.create(blocker=with_creator, blocked=creator)
    exported = guest_list_export(user=org.manager, event_id=event.id, file_format="csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert sorted(r["Name"] for r in rows) == ["Creator", "Door"]


def test_an_album_is_not_shown_to_a_guest_blocked_with_a_member_who_decides(club):
    org, event, creator = club
    blocked, kept = UserWithProfileFactory(), UserWithProfileFactory()
    _ticket(event, blocked, "ALBUM001")
    _ticket(event, kept, "ALBUM002")
    Block.objects.create(blocker=blocked, blocked=org.agent)
    Block.objects.create(blocker=kept, blocked=creator)
    with pytest.raises(NotFound) as excinfo:
        album_event(viewer=blocked, event_id=event.id)
    assert excinfo.value.code == "ALBUM_NOT_FOUND"
    assert album_event(viewer=kept, event_id=event.id).id == event.id


def test_door_staff_members_who_work_the_door_are_already_there_the_gone_creator_can_be_added(club):
    org, event, creator = club
    for member in (org.door, org.manager):
        with pytest.raises(BusinessRuleError) as excinfo:
            door_staff_add(host=org.owner, event_id=event.id, user_id=member.id, phone=None)
        assert excinfo.value.code == "ALREADY_HOST"
    staff = door_staff_add(host=org.door, event_id=event.id, user_id=creator.id, phone=None)
    agent_staff = door_staff_add(host=org.admin, event_id=event.id, user_id=org.agent.id, phone=None)
    assert set(DoorStaff.objects.filter(event=event).values_list("user_id", flat=True)) == {creator.id, org.agent.id}
    assert (staff.added_by_id, agent_staff.added_by_id) == (org.door.id, org.admin.id)
    with pytest.raises(PermissionDenied) as excinfo:
        door_staff_add(host=creator, event_id=event.id, user_id=UserWithProfileFactory().id, phone=None)
    assert excinfo.value.code == "NOT_EVENT_HOST"


def test_a_join_request_notifies_every_member_who_decides_and_not_the_gone_creator(api):
    org = make_org("requestclub")
    creator = add_member(org.organisation, "manager")
    event = PublishedEventFactory(host=creator, organisation=org.organisation, join_mode=JoinMode.APPROVAL)
    member_remove(user=org.owner, organisation_id=org.organisation.id, user_id=creator.id)
    Notification.objects.all().delete()
    r = api.post(f"/api/v2/events/{event.id}/requests", json={}, headers=token_for(UserWithProfileFactory()))
    assert r.status_code == 201
    notified = {user_id for user_id, types in types_by_user().items() if types == ["join_request.received"]}
    assert notified == {org.owner.id, org.admin.id, org.manager.id, org.agent.id}
    assert set(types_by_user()) == notified
    assert JoinRequest.objects.get(event=event).status == RequestStatus.PENDING
