"""The room state machine and who may do what to whom: joining, the stage, hands, mute, remove, ban, hand
over, the last host leaving, event rooms, blocks; races on real threads (PostgreSQL in CI)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from loopin.core.errors import BusinessRuleError, Conflict, PermissionDenied
from loopin.participation.tickets import ticket_issue
from loopin.people.services.blocks import block_create
from loopin.rooms import rules, selectors, services, stage
from loopin.rooms.media import LocalMediaServer, media_server
from loopin.rooms.models import EndReason, Role, Room, RoomMember, RoomState
from loopin.rooms.tests.conftest import befriend
from loopin.testing.concurrency import outcomes
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)


def open_room(host, **kwargs):
    return services.room_create(user=host, title="Morning run club", **kwargs).room


def role_of(room, user):
    return RoomMember.objects.get(room=room, user=user).role


def test_a_live_room_has_its_creator_as_host_and_joiners_in_the_audience(hana, aya, app_settings):
    app_settings.ROOMS_MAX_SPEAKERS = 7
    room = open_room(hana)
    member = services.room_join(user=aya, room_id=room.id)
    assert (room.state, room.max_speakers) == (RoomState.LIVE, 7)
    assert role_of(room, hana) == Role.HOST
    assert member.role == Role.AUDIENCE
    assert services.room_join(user=aya, room_id=room.id).id == member.id  # joining again: the same place


def test_the_audience_cannot_invite_to_stage_or_mute_or_remove(hana, sam, aya):
    room = open_room(hana)
    services.room_join(user=sam, room_id=room.id)
    services.room_join(user=aya, room_id=room.id)
    for action in ("invite_to_stage", "mute", "remove", "ban", "make_moderator"):
        with pytest.raises(PermissionDenied) as exc:
            stage.member_act(actor=aya, room_id=room.id, user_id=sam.id, action=action)
        assert exc.value.code == "ROOM_ACTION_NOT_ALLOWED"
        assert exc.value.details == {"action": action, "your_role": "audience", "their_role": "audience"}
    assert role_of(room, sam) == Role.AUDIENCE


def test_a_moderator_cannot_touch_a_host_or_make_hosts(hana, sam, aya):
    room = open_room(hana)
    services.room_join(user=sam, room_id=room.id)
    services.room_join(user=aya, room_id=room.id)
    stage.member_act(actor=hana, room_id=room.id, user_id=aya.id, action="make_moderator")
    for action in ("mute", "remove", "move_to_audience"):
        with pytest.raises(PermissionDenied):
            stage.member_act(actor=aya, room_id=room.id, user_id=hana.id, action=action)
    with pytest.raises(PermissionDenied):
        stage.member_act(actor=aya, room_id=room.id, user_id=sam.id, action="make_host")
    assert stage.member_act(actor=aya, room_id=room.id, user_id=sam.id, action="invite_to_stage").role == Role.SPEAKER


def test_only_the_audience_raises_hands_and_invitation_lowers_it(hana, sam):
    room = open_room(hana)
    services.room_join(user=sam, room_id=room.id)
    assert stage.hand_set(user=sam, room_id=room.id, raised=True).hand_raised_at is not None
    with pytest.raises(PermissionDenied):
        stage.hand_set(user=hana, room_id=room.id, raised=True)
    speaker = stage.member_act(actor=hana, room_id=room.id, user_id=sam.id, action="invite_to_stage")
    assert (speaker.role, speaker.hand_raised_at) == (Role.SPEAKER, None)
    assert stage.step_down(user=sam, room_id=room.id).role == Role.AUDIENCE


def test_a_removed_person_may_come_back_and_a_banned_one_may_not(hana, sam, aya):
    room = open_room(hana)
    services.room_join(user=sam, room_id=room.id)
    services.room_join(user=aya, room_id=room.id)
    stage.member_act(actor=hana, room_id=room.id, user_id=sam.id, action="remove")
    assert RoomMember.objects.get(room=room, user=sam).left_at is not None
    assert services.room_join(user=sam, room_id=room.id).role == Role.AUDIENCE
    stage.member_act(actor=hana, room_id=room.id, user_id=aya.id, action="ban")
    with pytest.raises(PermissionDenied) as exc:
        services.room_join(user=aya, room_id=room.id)
    assert exc.value.code == "ROOM_BANNED"
    assert [r["id"] for r in selectors.rooms_live(user=aya, offset=0, limit=10)[0]] == []


def test_an_event_room_is_for_the_events_host_and_ticket_holders_only(hana, sam, aya):
    event = PublishedEventFactory(host=hana)
    with transaction.atomic():
        ticket_issue(event=event, user=sam, seats=1, source="open")
    room = open_room(hana, event_id=event.id)
    assert services.room_join(user=sam, room_id=room.id).role == Role.AUDIENCE
    with pytest.raises(PermissionDenied) as exc:
        services.room_join(user=aya, room_id=room.id)
    assert exc.value.code == "ROOM_NOT_ALLOWED"
    assert selectors.rooms_live(user=aya, offset=0, limit=10) == ([], 0)
    with pytest.raises(PermissionDenied) as exc2:
        services.room_create(user=sam, title="Not mine", event_id=event.id)
    assert exc2.value.code == "EVENT_ROOM_HOST_ONLY"


def test_someone_the_host_blocked_cannot_join_or_see_the_room(hana, aya):
    room = open_room(hana)
    block_create(user=hana, blocked_id=aya.id)
    with pytest.raises(PermissionDenied) as exc:
        services.room_join(user=aya, room_id=room.id)
    assert exc.value.code == "ROOM_NOT_ALLOWED"
    assert selectors.rooms_live(user=aya, offset=0, limit=10) == ([], 0)


def test_discovery_lists_rooms_with_friends_in_them_first(hana, sam, aya):
    busy = open_room(hana)
    for _ in range(3):
        services.room_join(user=UserWithProfileFactory(), room_id=busy.id)
    with_friend = services.room_create(user=sam, title="Sam's room").room
    befriend(aya, sam)
    rows, total = selectors.rooms_live(user=aya, offset=0, limit=10)
    assert total == 2
    assert [(r["id"], r["friends_here"], r["listeners"]) for r in rows] == [
        (with_friend.id, 1, 1),
        (busy.id, 0, 4),
    ]
    assert [m["user"]["name"] for m in rows[1]["stage"]] == ["Hana"]


def test_the_stage_holds_at_most_max_speakers(hana, sam, aya, app_settings):
    app_settings.ROOMS_MAX_SPEAKERS = 2
    room = open_room(hana)
    services.room_join(user=sam, room_id=room.id)
    services.room_join(user=aya, room_id=room.id)
    stage.member_act(actor=hana, room_id=room.id, user_id=sam.id, action="invite_to_stage")
    with pytest.raises(Conflict) as exc:
        stage.member_act(actor=hana, room_id=room.id, user_id=aya.id, action="invite_to_stage")
    assert (exc.value.code, exc.value.details) == ("STAGE_FULL", {"max_speakers": 2})


def test_a_host_who_hands_over_leaves_and_the_room_goes_on(hana, sam):
    room = open_room(hana)
    services.room_join(user=sam, room_id=room.id)
    assert stage.host_transfer(user=hana, room_id=room.id, to_user_id=sam.id).role == Role.HOST
    assert role_of(room, hana) == Role.SPEAKER
    assert services.room_leave(user=hana, room_id=room.id).state == RoomState.LIVE
    ended = services.room_leave(user=sam, room_id=room.id)
    assert (ended.state, ended.end_reason) == (RoomState.ENDED, EndReason.LAST_HOST_LEFT)


def test_a_scheduled_room_opens_when_its_creator_starts_it(hana, aya):
    room = services.room_create(user=hana, title="Sunday", starts_at=timezone.now() + timedelta(hours=2))
    assert isinstance(room, Room) and room.state == RoomState.SCHEDULED
    with pytest.raises(Conflict) as exc:
        services.room_join(user=aya, room_id=room.id)
    assert (exc.value.code, exc.value.details) == ("ROOM_NOT_LIVE", {"state": "scheduled"})
    with pytest.raises(PermissionDenied):
        services.room_start(user=aya, room_id=room.id)
    assert services.room_start(user=hana, room_id=room.id).role == Role.HOST
    assert services.room_join(user=aya, room_id=room.id).role == Role.AUDIENCE
    with pytest.raises(BusinessRuleError) as exc2:
        services.room_create(user=hana, title="Past", starts_at=timezone.now() - timedelta(minutes=1))
    assert exc2.value.code == "ROOM_BAD_SCHEDULE"


def test_without_livekit_the_local_media_server_records_the_calls(hana, sam):
    local = media_server()
    assert isinstance(local, LocalMediaServer)
    before = len(local.calls)
    room = open_room(hana)
    services.room_join(user=sam, room_id=room.id)
    stage.member_act(actor=hana, room_id=room.id, user_id=sam.id, action="invite_to_stage")
    services.room_end(user=hana, room_id=room.id)
    assert [name for name, _ in local.calls[before:]] == ["UpdateParticipant", "DeleteRoom"]
    assert local.calls[before][1] == {"room": room.media_name, "identity": str(sam.id), "role": "speaker"}


def test_the_permissions_table_never_lets_the_audience_act_on_anyone():
    assert all(Role.AUDIENCE not in by_role for by_role in rules.ACTIONS.values())
    assert rules.may("invite_to_stage", actor="moderator", target="audience") is True
    assert rules.may("remove", actor="moderator", target="host") is False


# ---------------------------------------------------------------- races (real threads)


def test_two_hosts_leaving_at_once_end_the_room_exactly_once(hana, sam):
    room = open_room(hana)
    services.room_join(user=sam, room_id=room.id)
    stage.member_act(actor=hana, room_id=room.id, user_id=sam.id, action="make_host")
    local = media_server()
    before = len(local.calls)
    counted = outcomes([lambda u=u: services.room_leave(user=u, room_id=room.id) for u in (hana, sam)])
    assert counted == {"ok": 2}
    room.refresh_from_db()
    assert (room.state, room.end_reason) == (RoomState.ENDED, EndReason.LAST_HOST_LEFT)
    assert [name for name, _ in local.calls[before:]].count("DeleteRoom") == 1


def test_invitations_racing_for_the_last_stage_seat_seat_exactly_one(hana, app_settings):
    app_settings.ROOMS_MAX_SPEAKERS = 2
    room = open_room(hana)
    people = [UserWithProfileFactory() for _ in range(4)]
    for p in people:
        services.room_join(user=p, room_id=room.id)
    counted = outcomes(
        [
            lambda p=p: stage.member_act(actor=hana, room_id=room.id, user_id=p.id, action="invite_to_stage")
            for p in people
        ]  # fmt: skip
    )
    assert counted == {"ok": 1, "STAGE_FULL": 3}
    assert RoomMember.objects.filter(room=room, left_at__isnull=True, role__in=["host", "speaker"]).count() == 2
