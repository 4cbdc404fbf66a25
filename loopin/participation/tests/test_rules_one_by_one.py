"""Every joining rule, one row each, called directly with real rows (no HTTP, nothing mocked): the rule's exact
error code, and a row beside it that passes, so each rule is shown to be the one refusing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loopin.core.errors import LoopinError
from loopin.events.models import (
    Event,
    EventStatus,
    Invitation,
    InvitationStatus,
    InviteLink,
    JoinMode,
    JoinRequest,
    RequestStatus,
    TicketTier,
    TierVisibility,
)
from loopin.events.tiers import default_tier
from loopin.participation.attendance import attendance_confirm
from loopin.participation.invitations import invitation_respond
from loopin.participation.invite_links import invite_link_redeem
from loopin.participation.join_requests import join_request_create
from loopin.participation.rules import Way, ensure_may_take_part, ensure_profile_complete, tier_pick
from loopin.participation.seats import seats_take
from loopin.participation.tickets import ticket_issue
from loopin.participation.waitlist import waitlist_join, waitlist_leave
from loopin.payments.services.orders import order_create
from loopin.people.models import Block
from loopin.testing.factories import NewUserFactory, PublishedEventFactory, UserWithProfileFactory
from loopin.tickets.models import TicketSource, TicketStatus

pytestmark = pytest.mark.django_db

PAID = {"is_paid": True, "ticket_price": Decimal("499.00")}
LATER = timedelta(days=1)


def _code(fn, /, **kwargs) -> str | None:
    try:
        fn(**kwargs)
    except LoopinError as exc:
        return exc.code
    return None


def _tier(event, **fields) -> TicketTier:
    return TicketTier.objects.create(event=event, name="Early bird", **fields)


# Each case builds the rows for one rule and says who asks, which way, for how many seats, in which tier.
def case_open(event, user):
    return {}


def case_host_blocked_the_guest(event, user):
    Block.objects.create(blocker=event.host, blocked=user)
    return {}


def case_guest_blocked_the_host(event, user):
    Block.objects.create(blocker=user, blocked=event.host)
    return {}


def case_cancelled(event, user):
    event.status = EventStatus.CANCELLED
    event.save(update_fields=["status"])
    return {}


def case_postponed(event, user):
    event.status = EventStatus.POSTPONED
    event.save(update_fields=["status"])
    return {}


def case_past(event, user):
    event.start_at, event.end_at = timezone.now() - 2 * LATER, timezone.now() - LATER
    event.status = EventStatus.COMPLETED
    event.save(update_fields=["start_at", "end_at", "status"])
    return {}


def case_under_way(event, user):
    event.start_at, event.end_at = timezone.now() - timedelta(minutes=30), timezone.now() + LATER
    event.save(update_fields=["start_at", "end_at"])
    return {}


def case_tier_not_yet_on_sale(event, user):
    return {"tier": _tier(event, sales_start_at=timezone.now() + LATER)}


def case_tier_sales_ended(event, user):
    return {"tier": _tier(event, sales_end_at=timezone.now() - LATER)}


def case_tier_sells_two_or_more(event, user):
    return {"tier": _tier(event, min_per_order=2, max_per_order=4)}


def case_tier_needs_approval(event, user):
    return {"tier": _tier(event, requires_approval=True)}


def case_accepted_request_expired(event, user):
    event.join_mode = JoinMode.APPROVAL
    event.save(update_fields=["join_mode"])
    JoinRequest.objects.create(
        event=event, user=user, status=RequestStatus.ACCEPTED, confirm_by=timezone.now() - timedelta(minutes=1)
    )
    return {}


def case_accepted_request_in_time(event, user):
    event.join_mode = JoinMode.APPROVAL
    event.save(update_fields=["join_mode"])
    JoinRequest.objects.create(event=event, user=user, status=RequestStatus.ACCEPTED, confirm_by=timezone.now() + LATER)
    return {}


def case_declined_request(event, user):
    event.join_mode = JoinMode.APPROVAL
    event.save(update_fields=["join_mode"])
    JoinRequest.objects.create(event=event, user=user, status=RequestStatus.DECLINED)
    return {}


def case_revoked_invitation(event, user):
    event.join_mode = JoinMode.INVITE_ONLY
    event.save(update_fields=["join_mode"])
    Invitation.objects.create(event=event, invitee=user, invited_by=event.host, status=InvitationStatus.REVOKED)
    return {}


def case_already_going(event, user):
    ticket_issue(event=event, user=user, seats=1, source=TicketSource.OPEN, tier=default_tier(event))
    return {}


def case_cancelled_ticket(event, user):
    ticket = ticket_issue(event=event, user=user, seats=1, source=TicketSource.OPEN, tier=default_tier(event))
    ticket.status = TicketStatus.CANCELLED
    ticket.save(update_fields=["status"])
    return {}


def case_two_seats(event, user):
    return {"seats": 2}


def case_plus_one_three_seats(event, user):
    event.allow_plus_one = True
    event.save(update_fields=["allow_plus_one"])
    return {"seats": 3}


def case_man_at_women_only(event, user):
    event.allowed_genders = ["female"]
    event.save(update_fields=["allowed_genders"])
    user.gender = "male"
    user.save(update_fields=["gender"])
    return {}


def case_woman_at_women_only(event, user):
    event.allowed_genders = ["female"]
    event.save(update_fields=["allowed_genders"])
    return {}


@pytest.mark.parametrize(
    ("case", "event_fields", "way", "code"),
    [
        (case_open, {}, Way.CONFIRM, None),
        (case_host_blocked_the_guest, {}, Way.CONFIRM, "JOIN_NOT_ALLOWED"),
        (case_guest_blocked_the_host, {}, Way.CONFIRM, "JOIN_NOT_ALLOWED"),
        (case_host_blocked_the_guest, PAID, Way.BUY, "JOIN_NOT_ALLOWED"),
        (case_host_blocked_the_guest, {"join_mode": JoinMode.APPROVAL}, Way.ASK, "JOIN_NOT_ALLOWED"),
        (case_host_blocked_the_guest, {"join_mode": JoinMode.INVITE_ONLY}, Way.INVITED, "JOIN_NOT_ALLOWED"),
        (case_cancelled, {}, Way.CONFIRM, "EVENT_NOT_PUBLISHED"),
        (case_cancelled, PAID, Way.BUY, "EVENT_NOT_PUBLISHED"),
        (case_postponed, {}, Way.CONFIRM, "EVENT_NOT_PUBLISHED"),
        (case_past, {}, Way.CONFIRM, "EVENT_NOT_PUBLISHED"),
        (case_under_way, {}, Way.CONFIRM, "EVENT_STARTED"),
        (case_under_way, PAID, Way.BUY, "EVENT_STARTED"),
        (case_under_way, {"join_mode": JoinMode.INVITE_ONLY}, Way.INVITED, "EVENT_STARTED"),
        (case_tier_not_yet_on_sale, {}, Way.CONFIRM, "TIER_NOT_ON_SALE"),
        (case_tier_not_yet_on_sale, PAID, Way.BUY, "TIER_NOT_ON_SALE"),
        (case_tier_not_yet_on_sale, {"join_mode": JoinMode.APPROVAL}, Way.ASK, "TIER_NOT_ON_SALE"),
        (case_tier_not_yet_on_sale, {"join_mode": JoinMode.INVITE_ONLY}, Way.INVITED, None),  # the host's invite
        (case_tier_sales_ended, {}, Way.CONFIRM, "TIER_SALES_ENDED"),
        (case_tier_sells_two_or_more, {}, Way.CONFIRM, "TIER_QUANTITY"),
        (case_tier_needs_approval, {}, Way.CONFIRM, "TIER_APPROVAL_REQUIRED"),
        (case_tier_needs_approval, PAID, Way.BUY, "TIER_APPROVAL_REQUIRED"),
        (case_tier_needs_approval, {}, Way.ASK, None),  # an open event with an approval tier takes requests
        (case_accepted_request_expired, {}, Way.CONFIRM, "CONFIRMATION_EXPIRED"),
        (case_accepted_request_in_time, {}, Way.CONFIRM, None),
        (case_declined_request, {}, Way.CONFIRM, "REQUEST_NOT_ACCEPTED"),
        (case_revoked_invitation, {}, Way.CONFIRM, "INVITE_ONLY"),
        (case_already_going, {}, Way.CONFIRM, "ALREADY_GOING"),
        (case_already_going, {"join_mode": JoinMode.INVITE_ONLY}, Way.INVITED, "ALREADY_GOING"),
        (case_cancelled_ticket, {}, Way.CONFIRM, None),  # a cancelled ticket is not "going"
        (case_two_seats, {}, Way.CONFIRM, "TOO_MANY_SEATS"),
        (case_two_seats, {"allow_plus_one": True}, Way.CONFIRM, None),
        (case_plus_one_three_seats, {}, Way.CONFIRM, "TOO_MANY_SEATS"),
        (case_man_at_women_only, {}, Way.CONFIRM, "GENDER_RESTRICTED"),
        (case_woman_at_women_only, {}, Way.CONFIRM, None),
    ],
    ids=lambda v: v.__name__.removeprefix("case_") if callable(v) else None,
)
def test_each_rule_refuses_with_its_code(case, event_fields, way, code):
    event = PublishedEventFactory(**event_fields)
    user = UserWithProfileFactory()
    asked = {"seats": 1, **case(event, user)}
    event.refresh_from_db()
    assert _code(ensure_may_take_part, user=user, event=event, way=way, **asked) == code


@pytest.mark.parametrize(
    ("user_factory", "code"), [(UserWithProfileFactory, None), (NewUserFactory, "PROFILE_INCOMPLETE")]
)
def test_a_profile_must_be_complete_to_take_part(user_factory, code):
    assert _code(ensure_profile_complete, user=user_factory()) == code


@pytest.mark.parametrize(
    ("visibility", "unlock", "code"),
    [
        (TierVisibility.PUBLIC, None, None),
        (TierVisibility.HIDDEN, None, "TIER_NOT_FOUND"),
        (TierVisibility.HIDDEN, "wrong", "TIER_NOT_FOUND"),
        (TierVisibility.HIDDEN, "friends", None),  # any letter case
    ],
)
def test_a_tier_is_picked_only_when_it_is_visible_or_unlocked(visibility, unlock, code):
    event = PublishedEventFactory()
    tier = _tier(event, visibility=visibility, unlock_code="FRIENDS" if visibility == TierVisibility.HIDDEN else "")
    assert _code(tier_pick, event=event, tier_id=tier.id, unlock_code=unlock) == code


def test_a_tier_of_another_event_is_not_found():
    tier = _tier(PublishedEventFactory())
    assert _code(tier_pick, event=PublishedEventFactory(), tier_id=tier.id) == "TIER_NOT_FOUND"


@pytest.mark.parametrize(
    ("event_capacity", "tier_capacity", "taken", "seats", "code"),
    [
        (2, 0, 1, 1, None),
        (2, 0, 2, 1, "CAPACITY_EXCEEDED"),
        (2, 0, 1, 2, "CAPACITY_EXCEEDED"),
        (0, 0, 50, 1, None),  # no capacity: no limit
        (10, 1, 1, 1, "TIER_SOLD_OUT"),
        (1, 5, 1, 1, "CAPACITY_EXCEEDED"),  # the event is full before the tier is
    ],
)
def test_seats_are_taken_only_while_they_last(event_capacity, tier_capacity, taken, seats, code):
    event = PublishedEventFactory(capacity=event_capacity)
    tier = default_tier(event) if not tier_capacity else _tier(event, capacity=tier_capacity)
    if taken:
        seats_take(event_id=event.id, seats=taken, tier_id=tier.id)
    assert _code(seats_take, event_id=event.id, seats=seats, tier_id=tier.id) == code


def test_the_waitlist_takes_people_only_when_sold_out_and_once():
    event = PublishedEventFactory(capacity=1)
    user = UserWithProfileFactory()
    assert _code(waitlist_join, user=user, event_id=event.id) == "NOT_SOLD_OUT"
    assert _code(waitlist_leave, user=user, event_id=event.id) == "NOT_WAITING"
    seats_take(event_id=event.id, seats=1, tier_id=default_tier(event).id)
    assert _code(waitlist_join, user=user, event_id=event.id) is None
    assert _code(waitlist_join, user=user, event_id=event.id) == "ALREADY_WAITING"
    assert _code(waitlist_leave, user=user, event_id=event.id) is None


def _confirm(user, event):
    attendance_confirm(user=user, event_id=event.id)


def _ask(user, event):
    event.join_mode = JoinMode.APPROVAL
    event.save(update_fields=["join_mode"])
    join_request_create(user=user, event_id=event.id, message="", seats=1)


def _buy(user, event):
    Event.objects.filter(id=event.id).update(**PAID)
    order_create(user=user, event_id=event.id, seats=1)


def _wait(user, event):
    waitlist_join(user=user, event_id=event.id)


def _redeem_link(user, event):
    InviteLink.objects.create(event=event, token="tok-incomplete", created_by=event.host)
    invite_link_redeem(user=user, token="tok-incomplete")


def _answer_invitation_going(user, event):
    invitation = Invitation.objects.create(event=event, invitee=user, invited_by=event.host)
    invitation_respond(user=user, invitation_id=invitation.id, response="going")


@pytest.mark.parametrize("way_in", [_confirm, _ask, _buy, _wait, _redeem_link, _answer_invitation_going])
def test_every_way_in_refuses_an_incomplete_profile(way_in):
    event = PublishedEventFactory()
    user = NewUserFactory()
    with pytest.raises(LoopinError) as exc:
        way_in(user, event)
    assert exc.value.code == "PROFILE_INCOMPLETE"
    assert not event.tickets.exists()
