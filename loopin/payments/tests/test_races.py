"""Money under load, with real threads (on PostgreSQL the conditional UPDATE and row locks are the guards;
on SQLite IMMEDIATE transactions serialise writers; both must give the same result).

200 buyers race for 20 seats: exactly 20 holds; paying them all gives exactly 20 tickets; one webhook
delivered by 10 threads at once gives one ticket; verify and webhook racing give one ticket.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from loopin.events.models import Event, TicketTier
from loopin.payments.models import Order, PaymentEvent
from loopin.payments.money import to_minor
from loopin.payments.providers.sandbox import sandbox_client_signature, sandbox_event
from loopin.payments.services import order_create, order_verify, payment_confirm, webhook_receive
from loopin.testing.concurrency import outcomes as race
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.tickets.models import Ticket

BUYERS = 200
SEATS = 20


def _paid_event(capacity: int) -> Event:
    return PublishedEventFactory(is_paid=True, ticket_price=Decimal("250.00"), capacity=capacity)


def _confirm(order: Order) -> Order:
    """What the sandbox's "paid" webhook says about `order`."""
    return payment_confirm(
        order_id=order.id,
        payment_id=f"pay_{order.id.hex}",
        provider="sandbox",
        amount_minor=to_minor(order.total, order.currency),
        currency=order.currency,
    )


def test_two_hundred_buyers_for_twenty_seats_get_twenty_holds_then_twenty_tickets(interests):
    event = _paid_event(SEATS)
    buyers = [UserWithProfileFactory() for _ in range(BUYERS)]
    outcomes = race([lambda u=u: order_create(user=u, event_id=event.id) for u in buyers])
    assert outcomes == Counter({"ok": SEATS, "SOLD_OUT": BUYERS - SEATS})
    assert Order.objects.filter(event=event, status="pending", seats_held=True).count() == SEATS
    event.refresh_from_db()
    assert event.seats_taken == SEATS

    orders = list(Order.objects.filter(event=event))
    paid = race([lambda o=o: _confirm(o) for o in orders])
    assert paid == Counter({"ok": SEATS})
    assert Ticket.objects.filter(event=event, status="valid").count() == SEATS
    event.refresh_from_db()
    assert (event.seats_taken, event.going_count) == (SEATS, SEATS)
    assert Order.objects.filter(event=event, status="paid", seats_held=False).count() == SEATS


def test_one_buyer_clicking_six_times_at_once_holds_one_seat(interests):
    event = _paid_event(5)
    buyer = UserWithProfileFactory()
    outcomes = race([lambda: order_create(user=buyer, event_id=event.id) for _ in range(6)])
    assert outcomes == Counter({"ok": 6})
    assert Order.objects.filter(event=event).count() == 1
    event.refresh_from_db()
    assert event.seats_taken == 1


def test_one_webhook_delivered_ten_times_at_once_gives_one_ticket(interests):
    event = _paid_event(5)
    order = order_create(user=UserWithProfileFactory(), event_id=event.id)
    body, headers = sandbox_event(order, "payment.succeeded")
    outcomes = race([lambda: webhook_receive(provider="sandbox", body=body, headers=headers) for _ in range(10)])
    assert outcomes == Counter({"ok": 10})
    assert PaymentEvent.objects.count() == 1
    assert Ticket.objects.filter(event=event).count() == 1
    event.refresh_from_db()
    assert (event.seats_taken, event.going_count) == (1, 1)


def test_verify_and_webhooks_racing_give_one_ticket(interests):
    event = _paid_event(5)
    buyer = UserWithProfileFactory()
    order = order_create(user=buyer, event_id=event.id)
    payload = {"payment_id": "sbx_pay_r", "signature": sandbox_client_signature(order.provider_order_id, "sbx_pay_r")}
    deliveries = [sandbox_event(order, "payment.succeeded", payment_id="sbx_pay_r") for _ in range(4)]
    calls: list[Callable[[], object]] = [
        lambda: order_verify(user=buyer, order_id=order.id, payload=payload) for _ in range(4)
    ]
    calls += [lambda d=d: webhook_receive(provider="sandbox", body=d[0], headers=d[1]) for d in deliveries]
    outcomes = race(calls)
    assert outcomes == Counter({"ok": 8})
    assert Ticket.objects.filter(event=event).count() == 1
    order.refresh_from_db()
    assert order.status == "paid"
    event.refresh_from_db()
    assert (event.seats_taken, event.going_count) == (1, 1)


def _tiered_event(*, capacity: int, caps: tuple[int, int]) -> tuple[Event, list[Any]]:
    event = PublishedEventFactory(is_paid=True, ticket_price=Decimal("250.00"), capacity=capacity)
    tiers = [
        TicketTier.objects.create(event=event, name=name, price=Decimal(price), capacity=cap)
        for name, price, cap in (("Early", "200.00", caps[0]), ("Regular", "300.00", caps[1]))
    ]
    return event, tiers


def _counters(event: Event, tiers: list[Any]) -> tuple[int, ...]:
    event.refresh_from_db()
    for t in tiers:
        t.refresh_from_db()
    return (event.seats_taken, *(t.seats_taken for t in tiers))


TIER_BUYERS = 240


def test_two_hundred_forty_buyers_over_two_tiers_and_the_shared_cap_never_oversell(interests):
    # Tiers of 20 and 20 under an event of 30: the shared cap binds; whichever tier a seat went to, the
    # event's counter and each tier's count exactly their live holds, and no counter passes its cap.
    event, tiers = _tiered_event(capacity=30, caps=(20, 20))
    buyers = [UserWithProfileFactory() for _ in range(TIER_BUYERS)]
    calls = [
        lambda u=u, t=tiers[i % 2]: order_create(user=u, event_id=event.id, tier_id=t.id) for i, u in enumerate(buyers)
    ]
    outcomes = race(calls)
    assert outcomes["ok"] == 30
    assert outcomes["ok"] + outcomes["SOLD_OUT"] + outcomes["TIER_SOLD_OUT"] == TIER_BUYERS
    held = [Order.objects.filter(tier=t, status="pending", seats_held=True).count() for t in tiers]
    assert _counters(event, tiers) == (30, *held)
    assert sum(held) == 30 and max(held) <= 20

    paid = race([lambda o=o: _confirm(o) for o in Order.objects.filter(event=event)])
    assert paid == Counter({"ok": 30})
    assert [Ticket.objects.filter(tier=t, status="valid").count() for t in tiers] == held
    assert _counters(event, tiers) == (30, *held)
    event.refresh_from_db()
    assert event.going_count == 30


def test_tier_caps_bind_exactly_under_a_roomier_event(interests):
    # Tiers of 5 and 20 under an event of 30: each tier sells exactly its cap, the event 25.
    event, tiers = _tiered_event(capacity=30, caps=(5, 20))
    buyers = [UserWithProfileFactory() for _ in range(TIER_BUYERS)]
    calls = [
        lambda u=u, t=tiers[i % 2]: order_create(user=u, event_id=event.id, tier_id=t.id) for i, u in enumerate(buyers)
    ]
    outcomes = race(calls)
    assert outcomes == Counter({"ok": 25, "TIER_SOLD_OUT": TIER_BUYERS - 25})
    assert _counters(event, tiers) == (25, 5, 20)
    assert [Order.objects.filter(tier=t, status="pending").count() for t in tiers] == [5, 20]
