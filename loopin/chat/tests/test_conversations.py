"""1:1 rules on the social graph, event group chats, moderation, edits, sequence numbers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from loopin.chat import selectors
from loopin.chat.account_hooks import erase_chat, export_chat
from loopin.chat.graph import may_see_presence, presence_watchers
from loopin.chat.models import Conversation, Member, MemberState, Message, RequestState
from loopin.chat.services import conversations, groups, messages
from loopin.core.errors import BusinessRuleError, NotFound, PermissionDenied, ValidationFailed
from loopin.events.models import EventStatus
from loopin.events.services import event_transition
from loopin.participation.attendance import attendance_cancel, attendance_confirm
from loopin.people.models import Audience, PrivacySettings
from loopin.people.services.blocks import block_create
from loopin.people.services.friends import friend_request_accept, friend_request_send
from loopin.testing.concurrency import run_at_once
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)  # domain signals are sent after commit


def befriend(a, b):
    friend_request_accept(user=b, request_id=friend_request_send(user=a, to_user_id=b.id).request.id)


def say(user, conversation_id, text, cid=None):
    return messages.message_send(
        user=user, conversation_id=conversation_id, client_message_id=cid or text, body=text
    ).message


@pytest.fixture
def ana():
    return UserWithProfileFactory(name="Ana")


@pytest.fixture
def ben():
    return UserWithProfileFactory(name="Ben")


def test_friends_talk_at_once(ana, ben):
    befriend(ana, ben)
    conv = conversations.direct_open(user=ana, other_id=ben.id)
    assert conv["request_state"] == "accepted"
    say(ana, conv["id"], "hey")
    assert say(ben, conv["id"], "hi back")["seq"] == 2


def test_a_first_message_from_a_stranger_is_a_request_the_recipient_must_accept(ana, ben):
    conv = conversations.direct_open(user=ana, other_id=ben.id)
    assert (conv["request_state"], conv["requested_by"]) == ("pending", str(ana.id))
    say(ana, conv["id"], "hello, we met at the gig")
    with pytest.raises(BusinessRuleError) as pending:
        say(ben, conv["id"], "who is this")
    assert pending.value.code == "REQUEST_PENDING"
    conversations.request_decide(user=ben, conversation_id=conv["id"], accept=True)
    assert say(ben, conv["id"], "oh hi")["seq"] == 2


def test_a_declined_request_stops_the_sender(ana, ben):
    conv = conversations.direct_open(user=ana, other_id=ben.id)
    say(ana, conv["id"], "hello")
    conversations.request_decide(user=ben, conversation_id=conv["id"], accept=False)
    with pytest.raises(BusinessRuleError) as declined:
        say(ana, conv["id"], "hello??")
    assert declined.value.code == "REQUEST_DECLINED"


def test_the_sender_cannot_accept_their_own_request(ana, ben):
    conv = conversations.direct_open(user=ana, other_id=ben.id)
    with pytest.raises(PermissionDenied):
        conversations.request_decide(user=ana, conversation_id=conv["id"], accept=True)


def test_blocking_closes_the_conversation_both_ways(ana, ben):
    befriend(ana, ben)
    conv = conversations.direct_open(user=ana, other_id=ben.id)
    say(ana, conv["id"], "hey")
    block_create(user=ben, blocked_id=ana.id)
    for person in (ana, ben):
        with pytest.raises(BusinessRuleError) as closed:
            say(person, conv["id"], f"after the block from {person.name}")
        assert closed.value.code == "CONVERSATION_CLOSED"
    with pytest.raises(PermissionDenied) as blocked:
        conversations.direct_open(user=ana, other_id=ben.id)
    assert blocked.value.code == "BLOCKED"
    assert [
        m["body"]
        for m in selectors.messages_page(user=ana, conversation_id=conv["id"], after_seq=0, before_seq=None, limit=10)[
            "messages"
        ]
    ] == ["hey"]


def test_outsiders_cannot_read_or_write_a_conversation(ana, ben):
    conv = conversations.direct_open(user=ana, other_id=ben.id)
    outsider = UserWithProfileFactory()
    with pytest.raises(NotFound):
        say(outsider, conv["id"], "let me in")
    with pytest.raises(NotFound):
        selectors.messages_page(user=outsider, conversation_id=conv["id"], after_seq=0, before_seq=None, limit=10)


def test_presence_is_shown_to_friends_only_and_only_if_the_setting_allows(ana, ben):

    carl = UserWithProfileFactory()
    befriend(ana, ben)
    assert may_see_presence(viewer_id=ben.id, user_id=ana.id) is True
    assert may_see_presence(viewer_id=carl.id, user_id=ana.id) is False
    assert presence_watchers(ana.id) == [ben.id]
    PrivacySettings.objects.create(user=ana, presence_visible_to=Audience.NOBODY)
    assert may_see_presence(viewer_id=ben.id, user_id=ana.id) is False
    assert presence_watchers(ana.id) == []


@pytest.fixture
def gig(interests):
    host = UserWithProfileFactory(name="Host")
    event = PublishedEventFactory(host=host)
    conv = groups.event_chat_open(event_id=event.id)
    return event, conv, host


def test_a_ticket_joins_the_event_chat_and_cancelling_it_removes_the_guest(gig, ana):
    event, conv, host = gig
    attendance_confirm(user=ana, event_id=event.id)
    assert set(selectors.member_user_ids(conversation_id=conv.id)) == {host.id, ana.id}
    say(ana, conv.id, "see you there")
    attendance_cancel(user=ana, event_id=event.id)
    assert selectors.member_user_ids(conversation_id=conv.id) == [host.id]
    with pytest.raises(NotFound):
        say(ana, conv.id, "wait")
    # what was said while they were in stays readable to them
    page = selectors.messages_page(user=ana, conversation_id=conv.id, after_seq=0, before_seq=None, limit=10)
    assert [m["body"] for m in page["messages"]] == ["see you there"]


def test_publishing_an_event_opens_its_chat_with_the_host(interests, ana):

    event = PublishedEventFactory(host=ana, status=EventStatus.DRAFT, published_at=None)
    event_transition(actor=ana, event_id=event.id, target=EventStatus.PUBLISHED)
    conv = Conversation.objects.get(event=event)
    assert list(conv.members.values_list("user_id", "role")) == [(ana.id, "host")]


def test_the_host_mutes_a_member_deletes_their_message_and_closes_the_chat(gig, ana):
    event, conv, host = gig
    attendance_confirm(user=ana, event_id=event.id)
    rude = say(ana, conv.id, "spam spam")
    deleted = messages.message_delete(user=host, message_id=rude["id"])
    assert (deleted["deleted"], deleted["body"], deleted["seq"]) == (True, "", 1)
    groups.member_silence(moderator=host, conversation_id=conv.id, user_id=ana.id, silenced=True)
    with pytest.raises(PermissionDenied) as silenced:
        say(ana, conv.id, "more spam")
    assert silenced.value.code == "MEMBER_SILENCED"
    groups.conversation_close(moderator=host, conversation_id=conv.id)
    with pytest.raises(BusinessRuleError) as closed:
        say(host, conv.id, "bye")
    assert closed.value.code == "CONVERSATION_CLOSED"


def test_a_guest_cannot_moderate(gig, ana):
    event, conv, host = gig
    attendance_confirm(user=ana, event_id=event.id)
    with pytest.raises(PermissionDenied) as refused:
        groups.conversation_close(moderator=ana, conversation_id=conv.id)
    assert refused.value.code == "NOT_MODERATOR"


def test_the_host_blocking_a_guest_takes_them_out_of_the_chat(gig, ana):
    event, conv, host = gig
    attendance_confirm(user=ana, event_id=event.id)
    block_create(user=host, blocked_id=ana.id)
    assert Member.objects.get(conversation=conv, user=ana).state == MemberState.REMOVED


def test_edits_and_deletes_close_after_fifteen_minutes(gig):
    event, conv, host = gig
    sent = say(host, conv.id, "typo")
    edited = messages.message_edit(user=host, message_id=sent["id"], body="fixed")
    assert (edited["body"], edited["edited_at"] is not None, edited["change_seq"]) == ("fixed", True, 2)
    Message.objects.filter(id=sent["id"]).update(created_at=timezone.now() - timedelta(minutes=16))
    with pytest.raises(BusinessRuleError) as late:
        messages.message_edit(user=host, message_id=sent["id"], body="again")
    assert late.value.code == "EDIT_WINDOW_PASSED"


def test_sync_returns_edits_and_reactions_made_after_the_clients_change_seq(gig, ana):
    event, conv, host = gig
    attendance_confirm(user=ana, event_id=event.id)
    first = say(host, conv.id, "one")
    say(host, conv.id, "two")
    position = {"after_seq": 2, "after_change": 2}
    messages.reaction_set(user=ana, message_id=first["id"], emoji="🎉", on=True)
    answer = selectors.chat_sync(user=ana, positions={str(conv.id): position})
    (c,) = answer["conversations"]
    assert c["messages"] == []
    assert [(m["seq"], m["reactions"]) for m in c["updated"]] == [(1, {"🎉": [str(ana.id)]})]


def test_replies_must_point_into_the_same_chat(gig, ana, ben):
    event, conv, host = gig
    other = conversations.direct_open(user=ana, other_id=ben.id)
    elsewhere = say(ana, other["id"], "elsewhere")

    with pytest.raises(ValidationFailed):
        messages.message_send(
            user=host, conversation_id=conv.id, client_message_id="r", body="re", reply_to_id=elsewhere["id"]
        )
    original = say(host, conv.id, "original")
    reply = messages.message_send(
        user=host, conversation_id=conv.id, client_message_id="r2", body="re", reply_to_id=original["id"]
    ).message
    assert reply["reply_to"] == {"id": original["id"], "seq": original["seq"]}


def test_unread_counts_per_conversation_and_in_total(gig, ana):
    event, conv, host = gig
    attendance_confirm(user=ana, event_id=event.id)
    for i in range(3):
        say(host, conv.id, f"m{i}")
    assert selectors.unread_total(user=ana) == {"unread": 3, "conversations": 1}
    messages.conversation_mark(user=ana, conversation_id=conv.id, read_seq=2, delivered_seq=None)
    assert selectors.conversation_detail(user=ana, conversation_id=conv.id)["unread"] == 1
    # receipts never move back
    messages.conversation_mark(user=ana, conversation_id=conv.id, read_seq=1, delivered_seq=None)
    assert selectors.unread_total(user=ana) == {"unread": 1, "conversations": 1}


def test_concurrent_senders_get_distinct_gap_free_sequence_numbers(interests):
    host = UserWithProfileFactory()
    event = PublishedEventFactory(host=host)
    conv = groups.event_chat_open(event_id=event.id)
    guests = [UserWithProfileFactory() for _ in range(6)]
    for g in guests:
        attendance_confirm(user=g, event_id=event.id)
    results = run_at_once([lambda g=g: say(g, conv.id, f"from {g.id}") for g in guests])
    seqs = sorted(r["seq"] for r in results)
    assert seqs == [1, 2, 3, 4, 5, 6]
    assert Conversation.objects.get(id=conv.id).last_seq == 6


def test_the_same_client_id_sent_twice_at_once_stores_one_message(interests):
    host = UserWithProfileFactory()
    event = PublishedEventFactory(host=host)
    conv = groups.event_chat_open(event_id=event.id)
    results = run_at_once([lambda: say(host, conv.id, "once", cid="dup") for _ in range(4)])
    assert {r["id"] for r in results} == {results[0]["id"]}
    assert Message.objects.filter(conversation=conv).count() == 1


def test_deleting_an_account_leaves_messages_as_deleted_user_and_export_has_them(gig, ana):

    event, conv, host = gig
    attendance_confirm(user=ana, event_id=event.id)
    say(ana, conv.id, "my words")
    assert [m["body"] for m in export_chat(ana)["messages"]] == ["my words"]
    erase_chat(ana)
    ana.deleted_at = timezone.now()
    ana.save(update_fields=["deleted_at"])
    page = selectors.messages_page(user=host, conversation_id=conv.id, after_seq=0, before_seq=None, limit=10)
    assert page["messages"][0]["sender"] == {"id": None, "name": "Deleted user"}
    assert Conversation.objects.get(id=conv.id).request_state == RequestState.ACCEPTED
