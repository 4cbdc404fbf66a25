"""A member who comes to hold `message` after an organisation's event chat opened (accepts an invitation, gets a
larger role, becomes the owner) is a host of that chat from then on; a role without it (door) or an invitation not
yet accepted is not."""

from __future__ import annotations

import pytest

from loopin.chat.models import Member, MemberRole, MemberState
from loopin.chat.selectors import member_of
from loopin.chat.services.groups import event_chat_open
from loopin.core.errors import NotFound
from loopin.events.models import EventStatus
from loopin.organisations.models import Membership
from loopin.organisations.services import invitation_respond, member_change_role, member_invite, ownership_transfer
from loopin.organisations.tests.conftest import make_org
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.tickets.models import Ticket, TicketSource, TicketStatus


@pytest.fixture
def club(db: None):
    """The Brewhouse with two published events whose chats are open and a draft with none."""
    org = make_org()
    events = [PublishedEventFactory(host=org.manager, organisation=org.organisation) for _ in range(2)]
    convs = [event_chat_open(event_id=e.id) for e in events]
    PublishedEventFactory(host=org.manager, organisation=org.organisation, status=EventStatus.DRAFT)  # no chat
    return org, events, convs


def _join(org, person, role: str) -> None:
    member_invite(user=org.owner, organisation_id=org.organisation.id, role=role, phone_number=person.phone_number)
    invitation_respond(user=person, organisation_id=org.organisation.id, accept=True)


def _parts(convs, person) -> list[tuple[str, str]]:
    return [
        tuple(Member.objects.filter(conversation=c, user=person).values_list("role", "state").first() or ("", ""))
        for c in convs
    ]


def test_an_accepted_invitation_in_a_role_that_talks_to_guests_makes_a_host_of_the_open_chats(
    club, django_capture_on_commit_callbacks
):
    org, events, convs = club
    agent, door = UserWithProfileFactory(), UserWithProfileFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _join(org, agent, "agent")
        _join(org, door, "door")
    assert _parts(convs, agent) == [(MemberRole.HOST, MemberState.ACTIVE)] * 2
    assert _parts(convs, door) == [("", "")] * 2
    assert member_of(user_id=agent.id, conversation_id=convs[0].id).role == MemberRole.HOST
    with pytest.raises(NotFound):
        member_of(user_id=door.id, conversation_id=convs[0].id)


def test_a_larger_role_makes_a_host_a_ticket_holder_rises_to_host_an_open_invitation_does_nothing(
    club, django_capture_on_commit_callbacks
):
    org, events, convs = club
    guest, invited = UserWithProfileFactory(), UserWithProfileFactory()
    Ticket.objects.create(
        event=events[0], user=guest, seats=1, status=TicketStatus.VALID, source=TicketSource.OPEN, code="CHATHOST"
    )
    with django_capture_on_commit_callbacks(execute=True):
        Member.objects.create(conversation=convs[0], user=guest, role=MemberRole.MEMBER)  # in by their ticket
        _join(org, guest, "door")
        member_invite(user=org.owner, organisation_id=org.organisation.id, role="door",
                      phone_number=invited.phone_number)  # fmt: skip
    assert _parts(convs, guest) == [(MemberRole.MEMBER, MemberState.ACTIVE), ("", "")]
    with django_capture_on_commit_callbacks(execute=True):
        member_change_role(user=org.admin, organisation_id=org.organisation.id, user_id=guest.id, role="manager")
        member_change_role(user=org.admin, organisation_id=org.organisation.id, user_id=invited.id, role="agent")
    assert _parts(convs, guest) == [(MemberRole.HOST, MemberState.ACTIVE)] * 2
    assert _parts(convs, invited) == [("", "")] * 2  # not a member until they accept
    assert Membership.objects.get(user=invited).accepted_at is None


def test_a_door_member_made_owner_becomes_a_host(club, django_capture_on_commit_callbacks):
    org, events, convs = club
    assert _parts(convs, org.door) == [("", "")] * 2
    with django_capture_on_commit_callbacks(execute=True):
        ownership_transfer(user=org.owner, organisation_id=org.organisation.id, to_user_id=org.door.id)
    assert _parts(convs, org.door) == [(MemberRole.HOST, MemberState.ACTIVE)] * 2
    assert _parts(convs, org.owner) == [(MemberRole.HOST, MemberState.ACTIVE)] * 2  # the old owner, now an admin
