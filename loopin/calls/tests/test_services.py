"""The call state machine: who may call whom, busy, answer/decline/hang up, the ring timeout, the badge."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from loopin.calls import selectors, services
from loopin.calls.account_hooks import erase_calls, export_calls
from loopin.calls.models import Call, CallState, EndReason
from loopin.calls.tests.conftest import befriend
from loopin.chat.services.conversations import direct_open, request_decide
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, PermissionDenied
from loopin.people.services.blocks import block_create
from loopin.testing.concurrency import outcomes
from loopin.testing.factories import UserWithProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)


def ring(caller, callee, session=None, media="audio"):
    return services.call_initiate(caller=caller, callee_id=callee.id, media=media, session_id=session or uuid.uuid4())


def test_a_friend_rings_and_the_call_is_stored_ringing_with_its_deadline(ana, ben, session, app_settings):
    app_settings.CALLS_RING_SECONDS = 45
    before = timezone.now()
    call = ring(ana, ben, session, media="video")
    stored = Call.objects.get(id=call.id)
    assert (stored.caller_id, stored.callee_id, stored.media) == (ana.id, ben.id, "video")
    assert stored.state == CallState.RINGING
    assert stored.caller_session_id == session
    assert before + timedelta(seconds=45) <= stored.ring_deadline <= timezone.now() + timedelta(seconds=45)


def test_a_stranger_cannot_call(ana, cleo):
    with pytest.raises(PermissionDenied) as exc:
        ring(ana, cleo)
    assert exc.value.code == "CALL_NOT_ALLOWED"
    assert Call.objects.count() == 0


def test_an_accepted_one_to_one_chat_allows_a_call_and_a_pending_request_does_not(ana, cleo):
    conv = direct_open(user=ana, other_id=cleo.id)  # a message request: cleo has not accepted
    with pytest.raises(PermissionDenied):
        ring(ana, cleo)
    request_decide(user=cleo, conversation_id=conv["id"], accept=True)
    assert ring(ana, cleo).state == CallState.RINGING


@pytest.mark.parametrize("who_blocks", ["callee", "caller"])
def test_a_block_either_way_refuses_the_call(ana, ben, who_blocks):
    if who_blocks == "callee":
        block_create(user=ben, blocked_id=ana.id)
    else:
        block_create(user=ana, blocked_id=ben.id)
    with pytest.raises(PermissionDenied) as exc:
        ring(ana, ben)
    assert exc.value.code == "CALL_NOT_ALLOWED"


def test_a_block_during_a_call_ends_it(ana, ben):
    call = ring(ana, ben)
    services.call_accept(user=ben, call_id=call.id, session_id=uuid.uuid4())
    block_create(user=ben, blocked_id=ana.id)
    stored = Call.objects.get(id=call.id)
    assert (stored.state, stored.end_reason) == (CallState.ENDED, EndReason.BLOCKED)


def test_calling_yourself_or_nobody_is_refused(ana):
    with pytest.raises(BusinessRuleError) as exc:
        ring(ana, ana)
    assert exc.value.code == "SELF_CALL"
    with pytest.raises(NotFound) as exc2:
        services.call_initiate(caller=ana, callee_id=uuid.uuid4(), session_id=uuid.uuid4())
    assert exc2.value.code == "USER_NOT_FOUND"


def test_a_callee_in_another_call_is_busy_and_a_caller_in_a_call_cannot_place_another(ana, ben):
    dan = UserWithProfileFactory()
    befriend(dan, ben)
    befriend(dan, ana)
    ring(ana, ben)
    with pytest.raises(Conflict) as busy:
        ring(dan, ben)
    assert busy.value.code == "CALLEE_BUSY"
    with pytest.raises(Conflict) as already:
        ring(ana, dan)
    assert already.value.code == "ALREADY_IN_CALL"


def test_an_accepted_call_whose_parties_are_both_offline_does_not_make_them_busy(ana, ben):
    dan = UserWithProfileFactory()
    befriend(dan, ben)
    first = ring(ana, ben)
    services.call_accept(user=ben, call_id=first.id, session_id=uuid.uuid4())
    second = ring(dan, ben)  # nobody has a socket open: the first call is stale
    assert second.state == CallState.RINGING
    stale = Call.objects.get(id=first.id)
    assert (stale.state, stale.end_reason) == (CallState.ENDED, EndReason.DISCONNECTED)


def test_accept_then_hang_up_records_the_duration(ana, ben):
    call = ring(ana, ben)
    device = uuid.uuid4()
    accepted = services.call_accept(user=ben, call_id=call.id, session_id=device)
    assert accepted.state == CallState.ACCEPTED
    assert accepted.callee_session_id == device
    Call.objects.filter(id=call.id).update(accepted_at=timezone.now() - timedelta(seconds=90))
    ended = services.call_end(user=ana, call_id=call.id)
    assert (ended.state, ended.end_reason) == (CallState.ENDED, EndReason.HANGUP)
    assert ended.duration_seconds == 90
    # hanging up again (the other side, a retry) changes nothing
    again = services.call_end(user=ben, call_id=call.id)
    assert (again.state, again.ended_at) == (CallState.ENDED, ended.ended_at)


def test_accepting_again_from_the_device_that_answered_is_a_no_op(ana, ben):
    call = ring(ana, ben)
    device = uuid.uuid4()
    services.call_accept(user=ben, call_id=call.id, session_id=device)
    assert services.call_accept(user=ben, call_id=call.id, session_id=device).state == CallState.ACCEPTED


def test_the_caller_cannot_accept_their_own_call_and_a_third_person_cannot_see_it(ana, ben, cleo):
    call = ring(ana, ben)
    with pytest.raises(NotFound) as own:
        services.call_accept(user=ana, call_id=call.id, session_id=uuid.uuid4())
    assert own.value.code == "CALL_NOT_FOUND"
    with pytest.raises(NotFound):
        services.call_end(user=cleo, call_id=call.id)
    assert Call.objects.get(id=call.id).state == CallState.RINGING


def test_reject_then_accept_says_the_call_no_longer_rings(ana, ben):
    call = ring(ana, ben)
    rejected = services.call_reject(user=ben, call_id=call.id)
    assert (rejected.state, rejected.end_reason) == (CallState.REJECTED, EndReason.DECLINED)
    with pytest.raises(Conflict) as exc:
        services.call_accept(user=ben, call_id=call.id, session_id=uuid.uuid4())
    assert exc.value.code == "CALL_NOT_RINGING"
    assert exc.value.details == {"state": "rejected"}


def test_the_caller_cancelling_a_ringing_call_leaves_a_missed_call(ana, ben):
    call = ring(ana, ben)
    ended = services.call_end(user=ana, call_id=call.id)
    assert (ended.state, ended.end_reason) == (CallState.MISSED, EndReason.CANCELLED)
    assert selectors.missed_calls_unseen(user=ben) == 1
    assert selectors.missed_calls_unseen(user=ana) == 0


def test_a_failed_media_connection_is_recorded_as_failed(ana, ben):
    call = ring(ana, ben)
    services.call_accept(user=ben, call_id=call.id, session_id=uuid.uuid4())
    ended = services.call_end(user=ben, call_id=call.id, failed=True)
    assert (ended.state, ended.end_reason) == (CallState.FAILED, EndReason.FAILED)


def test_a_call_still_ringing_at_its_deadline_is_missed_by_the_sweep(ana, ben):
    call = ring(ana, ben)
    deadline = Call.objects.get(id=call.id).ring_deadline
    assert services.calls_expire_due(now=deadline - timedelta(seconds=1)) == 0
    assert services.calls_expire_due(now=deadline) == 1
    stored = Call.objects.get(id=call.id)
    assert (stored.state, stored.end_reason) == (CallState.MISSED, EndReason.TIMEOUT)
    assert services.calls_expire_due(now=deadline + timedelta(seconds=5)) == 0


def test_the_countdown_task_misses_the_call_only_once_its_deadline_passed(ana, ben):
    call = ring(ana, ben)
    assert services.call_ring_timeout(call_id=call.id) is False
    Call.objects.filter(id=call.id).update(ring_deadline=timezone.now() - timedelta(seconds=1))
    assert services.call_ring_timeout(call_id=call.id) is True
    assert Call.objects.get(id=call.id).state == CallState.MISSED
    assert services.call_ring_timeout(call_id=call.id) is False


def test_answering_after_the_deadline_finds_a_missed_call_even_before_the_sweep(ana, ben):
    call = ring(ana, ben)
    Call.objects.filter(id=call.id).update(ring_deadline=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Conflict) as exc:
        services.call_accept(user=ben, call_id=call.id, session_id=uuid.uuid4())
    assert exc.value.details == {"state": "missed"}
    assert Call.objects.get(id=call.id).state == CallState.MISSED
    assert ring(ana, ben).state == CallState.RINGING  # and nobody is busy any more


def test_two_devices_answering_at_once_one_wins_the_other_is_told(ana, ben):
    call = ring(ana, ben)
    devices = [uuid.uuid4() for _ in range(4)]
    counted = outcomes([lambda d=d: services.call_accept(user=ben, call_id=call.id, session_id=d) for d in devices])
    assert counted == {"ok": 1, "ANSWERED_ELSEWHERE": 3}
    stored = Call.objects.get(id=call.id)
    assert stored.state == CallState.ACCEPTED
    assert stored.callee_session_id in devices


def test_accept_and_cancel_at_once_end_in_one_consistent_state(ana, ben):
    call = ring(ana, ben)
    outcomes(
        [
            lambda: services.call_accept(user=ben, call_id=call.id, session_id=uuid.uuid4()),
            lambda: services.call_end(user=ana, call_id=call.id),
        ]
    )
    stored = Call.objects.get(id=call.id)
    # Either the cancel came first (missed), or the answer did and the hang-up ended it.
    assert (stored.state, stored.end_reason) in {
        (CallState.MISSED, EndReason.CANCELLED),
        (CallState.ENDED, EndReason.HANGUP),
    }


def test_two_friends_calling_the_same_person_at_once_one_rings_the_other_is_busy(ana, ben):
    dan = UserWithProfileFactory()
    befriend(dan, ben)
    counted = outcomes([lambda: ring(ana, ben), lambda: ring(dan, ben)])
    assert counted == {"ok": 1, "CALLEE_BUSY": 1}
    assert Call.objects.filter(callee=ben, state=CallState.RINGING).count() == 1


def test_history_lists_both_directions_newest_first_and_the_badge_clears_when_seen(ana, ben):
    first = ring(ana, ben)
    services.call_end(user=ana, call_id=first.id)  # missed for ben
    second = ring(ben, ana)
    services.call_reject(user=ana, call_id=second.id)
    items, total = selectors.calls_history(user=ben, offset=0, limit=10)
    assert total == 2
    assert [(i["id"], i["direction"], i["state"]) for i in items] == [
        (second.id, "outgoing", "rejected"),
        (first.id, "incoming", "missed"),
    ]
    assert items[1]["other"] == {"id": ana.id, "name": "Ana"}
    assert items[1]["missed_unseen"] is True
    assert selectors.missed_calls_unseen(user=ben) == 1
    assert services.missed_calls_mark_seen(user=ben) == 1
    assert selectors.missed_calls_unseen(user=ben) == 0
    assert services.missed_calls_mark_seen(user=ben) == 0
    page, total = selectors.calls_history(user=ben, offset=1, limit=1)
    assert (total, [i["id"] for i in page]) == (2, [first.id])


def test_export_lists_the_persons_calls_and_erasure_keeps_them_for_the_other_as_deleted(ana, ben):
    done = ring(ana, ben)
    services.call_accept(user=ben, call_id=done.id, session_id=uuid.uuid4())
    services.call_end(user=ben, call_id=done.id)
    live = ring(ben, ana)
    exported = export_calls(ana)
    assert [(e["id"], e["direction"], e["other_user_id"], e["state"]) for e in exported] == [
        (str(done.id), "outgoing", str(ben.id), "ended"),
        (str(live.id), "incoming", str(ben.id), "ringing"),
    ]
    erase_calls(ana)
    assert Call.objects.filter(caller=ana).count() + Call.objects.filter(callee=ana).count() == 0
    ended_live = Call.objects.get(id=live.id)
    assert (ended_live.state, ended_live.end_reason) == (CallState.FAILED, EndReason.ACCOUNT_DELETED)
    items, total = selectors.calls_history(user=ben, offset=0, limit=10)
    assert total == 2
    assert [i["other"] for i in items] == [None, None]
    assert export_calls(ana) == []
