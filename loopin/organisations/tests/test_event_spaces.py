"""An organisation's event outside the event's own endpoints: its audio room, its group chat, its album and the
"own event" rule ask the organisation's table (`holds_host_power`), not the member who created the event. A member
whose role allows the power does there what a personal event's host does; a smaller role and a former member (the
creator, removed) do not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from loopin.albums.models import AlbumPhoto
from loopin.albums.selectors import album_event, album_photos
from loopin.albums.services import album_add, album_remove, album_set_public
from loopin.chat.models import Member, MemberRole
from loopin.chat.selectors import member_of
from loopin.chat.services.conversations import conversation_leave
from loopin.chat.services.groups import event_chat_open, event_chat_remove, member_silence
from loopin.core.errors import BusinessRuleError, LoopinError, NotFound, PermissionDenied, ValidationFailed
from loopin.events.models import JoinMode
from loopin.media.models import Media, MediaKind
from loopin.organisations.services import member_change_role, member_remove
from loopin.organisations.tests.conftest import Org, add_member, make_org
from loopin.participation.invitations import invitations_create
from loopin.participation.join_requests import join_request_create
from loopin.rooms.models import Room, RoomState
from loopin.rooms.selectors import may_attend_event, rooms_live
from loopin.rooms.services import room_create
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.tickets.models import Ticket, TicketSource, TicketStatus


@pytest.fixture
def club(db: None):
    """The Brewhouse (one member in each role) runs an approval event created by a manager, who is then removed;
    a guest holds a ticket."""
    org = make_org()
    creator = add_member(org.organisation, "manager")
    event = PublishedEventFactory(host=creator, organisation=org.organisation, join_mode=JoinMode.APPROVAL)
    member_remove(user=org.owner, organisation_id=org.organisation.id, user_id=creator.id)
    guest = UserWithProfileFactory()
    Ticket.objects.create(
        event=event, user=guest, seats=1, status=TicketStatus.VALID, source=TicketSource.OPEN, code="SPACES01"
    )
    return org, event, creator, guest


def _code(excinfo: pytest.ExceptionInfo[LoopinError]) -> str:
    return excinfo.value.code


# ---------------------------------------------------------------- rooms


def test_members_who_talk_to_guests_open_and_enter_the_event_room(club):
    org, event, creator, _ = club
    later = timezone.now() + timedelta(hours=1)
    room = room_create(user=org.agent, title="Pre-gig chat", event_id=event.id, starts_at=later)
    assert isinstance(room, Room) and room.event_id == event.id and room.created_by_id == org.agent.id
    for user in (org.door, creator):
        with pytest.raises(PermissionDenied) as excinfo:
            room_create(user=user, title="Mine", event_id=event.id, starts_at=later)
        assert _code(excinfo) == "EVENT_ROOM_HOST_ONLY"
    allowed = {role: may_attend_event(org.member(role), event) for role in ("owner", "admin", "manager", "agent")}
    assert allowed == dict.fromkeys(allowed, True)
    assert (may_attend_event(org.door, event), may_attend_event(creator, event)) == (False, False)


def test_the_live_event_room_is_listed_for_members_whose_role_allows_it(club):
    org, event, creator, guest = club
    Room.objects.create(title="Live now", event=event, created_by=org.owner, state=RoomState.LIVE, max_speakers=8,
                        started_at=timezone.now())  # fmt: skip
    listed = {
        name: rooms_live(user=user, offset=0, limit=10)[1]
        for name, user in (("manager", org.manager), ("guest", guest), ("door", org.door), ("creator", creator))
    }
    assert listed == {"manager": 1, "guest": 1, "door": 0, "creator": 0}


# ---------------------------------------------------------------- chat


def test_the_event_chat_opens_with_the_members_who_may_message_as_its_hosts(club):
    org, event, creator, guest = club
    conv = event_chat_open(event_id=event.id)
    roles = dict(Member.objects.filter(conversation=conv).values_list("user_id", "role"))
    hosts = {org.owner.id, org.admin.id, org.manager.id, org.agent.id}
    assert roles == {**dict.fromkeys(hosts, MemberRole.HOST), guest.id: MemberRole.MEMBER}
    assert event_chat_remove(event_id=event.id, user_id=org.agent.id, reason="ticket") is False  # a host stays
    with pytest.raises(BusinessRuleError) as excinfo:
        conversation_leave(user=org.manager, conversation_id=conv.id)
    assert _code(excinfo) == "HOST_CANNOT_LEAVE"
    silenced = member_silence(moderator=org.agent, conversation_id=conv.id, user_id=guest.id, silenced=True)
    assert silenced["silenced"] is True


def test_a_host_of_the_chat_removed_or_moved_to_a_smaller_role_is_out_at_once(club):
    org, event, _, guest = club
    conv = event_chat_open(event_id=event.id)
    member_remove(user=org.owner, organisation_id=org.organisation.id, user_id=org.agent.id)
    member_change_role(user=org.owner, organisation_id=org.organisation.id, user_id=org.manager.id, role="door")
    for user in (org.agent, org.manager):
        with pytest.raises(NotFound) as excinfo:
            member_silence(moderator=user, conversation_id=conv.id, user_id=guest.id, silenced=True)
        assert _code(excinfo) == "CONVERSATION_NOT_FOUND"
        with pytest.raises(NotFound):
            member_of(user_id=user.id, conversation_id=conv.id, active=False)
    assert member_of(user_id=org.admin.id, conversation_id=conv.id).role == MemberRole.HOST


# ---------------------------------------------------------------- album


def _photo(author, event) -> AlbumPhoto:
    media = Media.objects.create(owner=author, kind=MediaKind.IMAGE)
    return AlbumPhoto.objects.create(event=event, author=author, media=media)


def test_members_add_see_and_moderate_the_album_by_their_role(club):
    org, event, creator, guest = club
    assert album_add(author=org.agent, event_id=event.id, media_ids=[]) == []  # not checked in, still allowed
    for user in (org.door, creator):
        with pytest.raises(PermissionDenied) as excinfo:
            album_add(author=user, event_id=event.id, media_ids=[])
        assert _code(excinfo) == "NOT_CHECKED_IN"
    photo = _photo(guest, event)
    assert album_event(viewer=org.door, event_id=event.id) == event  # every member sees the album
    with pytest.raises(NotFound):
        album_event(viewer=creator, event_id=event.id)
    items, _ = album_photos(viewer=org.agent, event_id=event.id, offset=0, limit=10)
    assert [(i["id"], i["can_remove"]) for i in items] == [(photo.id, True)]
    items, _ = album_photos(viewer=org.door, event_id=event.id, offset=0, limit=10)
    assert [(i["id"], i["can_remove"]) for i in items] == [(photo.id, False)]
    with pytest.raises(PermissionDenied) as excinfo:
        album_remove(actor=org.door, event_id=event.id, photo_id=photo.id)
    assert _code(excinfo) == "NOT_PHOTO_OWNER"
    album_remove(actor=org.agent, event_id=event.id, photo_id=photo.id)
    assert AlbumPhoto.objects.filter(event=event).count() == 0


def test_the_album_is_opened_by_members_who_edit_the_event(club):
    org, event, creator, _ = club
    for user in (org.agent, creator):
        with pytest.raises(PermissionDenied) as excinfo:
            album_set_public(host=user, event_id=event.id, is_public=True)
        assert _code(excinfo) == "NOT_PHOTO_OWNER"
    assert album_set_public(host=org.manager, event_id=event.id, is_public=True).is_public is True


# ---------------------------------------------------------------- the own event rule


def test_members_who_let_guests_in_cannot_ask_to_join(club):
    org, event, _, _ = club
    with pytest.raises(BusinessRuleError) as excinfo:
        join_request_create(user=org.agent, event_id=event.id, message="")
    assert _code(excinfo) == "OWN_EVENT"


def test_a_door_member_and_a_former_member_may_ask_to_join(club):
    org, event, creator, _ = club
    asked = [join_request_create(user=u, event_id=event.id, message="").user_id for u in (org.door, creator)]
    assert asked == [org.door.id, creator.id]


def test_members_who_let_guests_in_are_not_invited_but_a_door_member_is(club):
    org, event, creator, _ = club
    with pytest.raises(ValidationFailed) as excinfo:
        invitations_create(host=org.owner, event_id=event.id, user_ids=[org.manager.id])
    assert (excinfo.value.details or {})["fields"][0]["code"] == "OWN_EVENT"
    invited = invitations_create(host=org.owner, event_id=event.id, user_ids=[org.door.id, creator.id])
    assert sorted(i.invitee_id for i in invited) == sorted([org.door.id, creator.id])


def test_an_outsider_org_owner_is_nobody_here(club):
    _, event, _, _ = club
    other: Org = make_org("nightowls")
    assert may_attend_event(other.owner, event) is False
    assert join_request_create(user=other.owner, event_id=event.id, message="").user_id == other.owner.id
