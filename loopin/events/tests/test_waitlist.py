"""The waitlist: joining a sold-out event or tier, a freed seat held for the first in line (with a notification),
taking it, letting it lapse to the next, and each freed seat going to exactly one person under concurrency."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loopin.core.errors import LoopinError
from loopin.events.models import TicketTier, WaitlistEntry
from loopin.events.services import event_update
from loopin.events.services.event_fields import EventInput
from loopin.events.services.tiers import TierInput, tier_update
from loopin.events.tiers import default_tier
from loopin.notifications.models import Notification
from loopin.participation.attendance import attendance_cancel, attendance_confirm
from loopin.participation.waitlist import (
    waitlist_join,
    waitlist_leave,
    waitlist_offers_expire_due,
    waitlist_position,
)
from loopin.payments.models import Order
from loopin.payments.money import to_minor
from loopin.payments.services import holds_expire_due, order_create, payment_confirm, refund_create
from loopin.testing.concurrency import outcomes as race
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for


def _code(call) -> str:
    with pytest.raises(LoopinError) as exc:
        call()
    return exc.value.code


def _full_free_event(seats: int = 1):
    event = PublishedEventFactory(capacity=seats)
    holders = [UserWithProfileFactory() for _ in range(seats)]
    for person in holders:
        attendance_confirm(user=person, event_id=event.id)
    return event, holders


def _taken(event) -> int:
    event.refresh_from_db()
    return event.seats_taken


def test_only_a_sold_out_event_has_a_waitlist_and_it_shows_the_place(interests):
    open_event = PublishedEventFactory(capacity=5)
    assert _code(lambda: waitlist_join(user=UserWithProfileFactory(), event_id=open_event.id)) == "NOT_SOLD_OUT"
    event, _ = _full_free_event()
    first, second = UserWithProfileFactory(), UserWithProfileFactory()
    a = waitlist_join(user=first, event_id=event.id)
    b = waitlist_join(user=second, event_id=event.id)
    assert (waitlist_position(a), waitlist_position(b)) == (1, 2)
    assert _code(lambda: waitlist_join(user=first, event_id=event.id)) == "ALREADY_WAITING"
    waitlist_leave(user=first, event_id=event.id)
    b.refresh_from_db()
    assert waitlist_position(b) == 1


def test_a_sold_out_tier_has_a_waitlist_while_the_event_has_seats(interests):
    event = PublishedEventFactory(capacity=10)
    front = TicketTier.objects.create(event=event, name="Front row", capacity=1)
    attendance_confirm(user=UserWithProfileFactory(), event_id=event.id, tier_id=front.id)
    entry = waitlist_join(user=UserWithProfileFactory(), event_id=event.id, tier_id=front.id)
    assert (entry.tier_id, entry.status) == (front.id, "waiting")


def test_a_freed_seat_is_held_for_the_first_in_line_who_takes_it(interests):
    event, (holder,) = _full_free_event()
    first, second = UserWithProfileFactory(), UserWithProfileFactory()
    waitlist_join(user=first, event_id=event.id)
    waitlist_join(user=second, event_id=event.id)
    attendance_cancel(user=holder, event_id=event.id)
    offered = WaitlistEntry.objects.get(user=first)
    assert (offered.status, offered.seats_held) == ("offered", True)
    assert offered.offer_expires_at - offered.offered_at == timedelta(minutes=30)
    assert _taken(event) == 1  # the freed seat never became free to others
    assert _code(lambda: attendance_confirm(user=UserWithProfileFactory(), event_id=event.id)) == "CAPACITY_EXCEEDED"
    note = Notification.objects.get(user=first, type="waitlist.offered")
    assert note.title == f"A seat is yours: {event.title}"
    ticket = attendance_confirm(user=first, event_id=event.id)
    offered.refresh_from_db()
    assert (offered.status, offered.seats_held, ticket.tier_id) == ("converted", False, default_tier(event).id)
    event.refresh_from_db()
    assert (event.seats_taken, event.going_count) == (1, 1)
    assert WaitlistEntry.objects.get(user=second).status == "waiting"


def test_an_offer_not_taken_in_time_passes_to_the_next(interests):
    event, (holder,) = _full_free_event()
    first, second = UserWithProfileFactory(), UserWithProfileFactory()
    waitlist_join(user=first, event_id=event.id)
    waitlist_join(user=second, event_id=event.id)
    attendance_cancel(user=holder, event_id=event.id)
    WaitlistEntry.objects.filter(user=first).update(offer_expires_at=timezone.now() - timedelta(seconds=1))
    assert waitlist_offers_expire_due() == 1
    assert list(WaitlistEntry.objects.order_by("created_at").values_list("status", "seats_held")) == [
        ("expired", False),
        ("offered", True),
    ]
    assert _taken(event) == 1
    assert _code(lambda: attendance_confirm(user=first, event_id=event.id)) == "CAPACITY_EXCEEDED"


def test_leaving_with_an_offer_passes_it_on(interests):
    event, (holder,) = _full_free_event()
    first, second = UserWithProfileFactory(), UserWithProfileFactory()
    waitlist_join(user=first, event_id=event.id)
    waitlist_join(user=second, event_id=event.id)
    attendance_cancel(user=holder, event_id=event.id)
    waitlist_leave(user=first, event_id=event.id)
    assert WaitlistEntry.objects.get(user=second).status == "offered"
    assert _taken(event) == 1


def test_a_raised_capacity_goes_to_the_waitlist_first(interests):
    event, _ = _full_free_event()
    people = [UserWithProfileFactory() for _ in range(3)]
    for person in people:
        waitlist_join(user=person, event_id=event.id)
    event_update(actor=event.host, event_id=event.id, data=EventInput(capacity=3, given={"capacity"}))
    assert [e.status for e in WaitlistEntry.objects.order_by("created_at")] == ["offered", "offered", "waiting"]
    assert _taken(event) == 3


def test_a_paid_hold_that_expires_is_offered_and_bought_on_the_offer(interests):
    event = PublishedEventFactory(is_paid=True, ticket_price=Decimal("300.00"), capacity=1)
    order = order_create(user=UserWithProfileFactory(), event_id=event.id)
    waiter = UserWithProfileFactory()
    waitlist_join(user=waiter, event_id=event.id)
    Order.objects.filter(id=order.id).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    assert holds_expire_due() == 1
    assert WaitlistEntry.objects.get(user=waiter).status == "offered"
    assert _code(lambda: order_create(user=UserWithProfileFactory(), event_id=event.id)) == "SOLD_OUT"
    mine = order_create(user=waiter, event_id=event.id)
    assert (mine.status, mine.seats_held, WaitlistEntry.objects.get(user=waiter).status) == (
        "pending",
        True,
        "converted",
    )
    assert _taken(event) == 1


def test_five_cancellations_at_once_make_exactly_five_offers_in_order(interests):
    event, holders = _full_free_event(seats=5)
    waiting = [UserWithProfileFactory() for _ in range(20)]
    for person in waiting:
        waitlist_join(user=person, event_id=event.id)
    outcomes = race([lambda p=p: attendance_cancel(user=p, event_id=event.id) for p in holders])
    assert outcomes == Counter({"ok": 5})
    statuses = list(WaitlistEntry.objects.order_by("created_at").values_list("status", flat=True))
    assert statuses == ["offered"] * 5 + ["waiting"] * 15
    event.refresh_from_db()
    tier = default_tier(event)
    assert (event.seats_taken, event.going_count, tier.seats_taken) == (5, 0, 5)
    # The five offered and thirty others race for the five seats: the offered five get them.
    others = [UserWithProfileFactory() for _ in range(30)]
    calls = [lambda p=p: attendance_confirm(user=p, event_id=event.id) for p in [*waiting[:5], *others]]
    assert race(calls) == Counter({"ok": 5, "CAPACITY_EXCEEDED": 30})
    assert set(event.tickets.filter(status="valid").values_list("user_id", flat=True)) == {p.id for p in waiting[:5]}
    event.refresh_from_db()
    assert (event.seats_taken, event.going_count) == (5, 5)


def test_the_waitlist_over_http(api, interests):
    event, (holder,) = _full_free_event()
    person = token_for(UserWithProfileFactory())
    r = api.post(f"/api/v2/events/{event.id}/waitlist", json={}, headers=person)
    assert r.status_code == 201, r.text
    assert (r.json()["data"]["status"], r.json()["data"]["position"]) == ("waiting", 1)
    r = api.post(f"/api/v2/events/{event.id}/waitlist", json={}, headers=person)
    assert (r.status_code, r.json()["error_code"]) == (409, "ALREADY_WAITING")
    attendance_cancel(user=holder, event_id=event.id)
    me = api.get(f"/api/v2/events/{event.id}/waitlist/me", headers=person).json()["data"]
    assert (me["status"], me["position"]) == ("offered", None)
    line = api.get(f"/api/v2/events/{event.id}/waitlist", headers=token_for(event.host)).json()["data"]
    assert [(e["status"], e["user_name"] is not None) for e in line] == [("offered", True)]
    assert api.delete(f"/api/v2/events/{event.id}/waitlist", headers=person).status_code == 200
    r = api.delete(f"/api/v2/events/{event.id}/waitlist", headers=person)
    assert (r.status_code, r.json()["error_code"]) == (404, "NOT_WAITING")
    event.refresh_from_db()
    assert event.seats_taken == 0  # nobody else waited: the seat is free again


def test_a_refund_and_a_raised_tier_capacity_offer_the_tiers_waitlist(interests):
    event = PublishedEventFactory(is_paid=True, ticket_price=Decimal("300.00"), capacity=10)
    vip = TicketTier.objects.create(event=event, name="VIP", price=Decimal("900.00"), capacity=1)
    order = order_create(user=UserWithProfileFactory(), event_id=event.id, tier_id=vip.id)
    payment_confirm(
        order_id=order.id,
        payment_id="pay_vip",
        provider="sandbox",
        amount_minor=to_minor(order.total, order.currency),
        currency=order.currency,
    )
    first, second = UserWithProfileFactory(), UserWithProfileFactory()
    waitlist_join(user=first, event_id=event.id, tier_id=vip.id)
    waitlist_join(user=second, event_id=event.id, tier_id=vip.id)
    refund_create(order_id=order.id, reason="host_refund")
    assert [e.status for e in WaitlistEntry.objects.order_by("created_at")] == ["offered", "waiting"]
    tier_update(actor=event.host, event_id=event.id, tier_id=vip.id, data=TierInput(capacity=2, given={"capacity"}))
    assert [e.status for e in WaitlistEntry.objects.order_by("created_at")] == ["offered", "offered"]
    vip.refresh_from_db()
    event.refresh_from_db()
    assert (vip.seats_taken, event.seats_taken) == (2, 2)
