"""The sold-out fast path (loopin.participation.sold_out): a full event or tier answers a buyer without a query,
and gives the same answer as the database on the same data; a release makes it step aside at once."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from prometheus_client import REGISTRY

from loopin.core.errors import LoopinError
from loopin.events.models import Event, TicketTier
from loopin.events.services.crud import event_update
from loopin.events.services.event_fields import EventInput
from loopin.participation.sold_out import Full, sold_out_answer, sold_out_clear, sold_out_mark, sold_out_token
from loopin.payments.models import Order
from loopin.payments.services import order_cancel_pending, order_create
from loopin.payments.services.orders import order_hold_refuse_early
from loopin.payments.tests.helpers import buy
from loopin.testing.concurrency import outcomes as race
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for

SEATS = 3


class _Rollback(Exception):
    pass


def _answer(event: Event, tier: TicketTier | None = None) -> tuple[str, list[str]]:
    """A fresh buyer's answer and the queries it cost, with nothing kept (the data stays as it was)."""
    user = UserWithProfileFactory()
    with CaptureQueriesContext(connection) as queries:
        try:
            with transaction.atomic():
                order_create(user=user, event_id=event.id, tier_id=tier.id if tier else None)
                raise _Rollback
        except _Rollback:
            answer = "ok"
        except LoopinError as exc:
            answer = exc.code
    # The test's own transaction or savepoint (around the call, to keep nothing) is not the call's.
    return answer, [q["sql"] for q in queries.captured_queries if not q["sql"].upper().startswith(_SAVEPOINTS)]


def _early(event: Event, tier: TicketTier | None = None, **kwargs: Any) -> tuple[str, list[str]]:
    """What the event-loop check (`order_hold_refuse_early`) answers a fresh buyer: a refusal's code, or "ok"
    (the hold goes on to the database); and the queries it cost."""
    user = kwargs.pop("user", None) or UserWithProfileFactory()
    with CaptureQueriesContext(connection) as queries:
        try:
            async_to_sync(order_hold_refuse_early)(
                user=user, event_id=event.id, tier_id=tier.id if tier else None, provider=kwargs.get("provider")
            )
            answer = "ok"
        except LoopinError as exc:
            answer = exc.code
    return answer, [q["sql"] for q in queries.captured_queries]


_SAVEPOINTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN")


def _fill(event: Event, seats: int, tier: TicketTier | None = None) -> list[Order]:
    return [
        order_create(user=UserWithProfileFactory(), event_id=event.id, tier_id=tier.id if tier else None)
        for _ in range(seats)
    ]


def _paid_event(capacity: int = SEATS) -> Event:
    return PublishedEventFactory(is_paid=True, ticket_price=Decimal("200.00"), capacity=capacity)


def _full() -> tuple[Event, TicketTier | None]:
    event = _paid_event()
    _fill(event, SEATS)
    return event, None


def _one_released() -> tuple[Event, TicketTier | None]:
    event = _paid_event()
    orders = _fill(event, SEATS)
    assert _answer(event)[0] == "SOLD_OUT"  # flagged now
    order_cancel_pending(user=orders[0].user, order_id=orders[0].id)
    return event, None


def _capacity_raised() -> tuple[Event, TicketTier | None]:
    event = _paid_event()
    _fill(event, SEATS)
    assert _answer(event)[0] == "SOLD_OUT"
    event_update(actor=event.host, event_id=event.id, data=EventInput(capacity=SEATS + 1, given={"capacity"}))
    return event, None


def _tier_full() -> tuple[Event, TicketTier | None]:
    event = _paid_event(capacity=10)
    small = TicketTier.objects.create(event=event, name="Front row", price=Decimal("300.00"), capacity=2)
    _fill(event, 2, small)
    return event, small


def _other_tier_free() -> tuple[Event, TicketTier | None]:
    event, small = _tier_full()
    assert small is not None and _answer(event, small)[0] == "TIER_SOLD_OUT"  # the small tier is flagged
    other = TicketTier.objects.create(event=event, name="Balcony", price=Decimal("150.00"), capacity=5)
    return event, other


def _hold_expired() -> tuple[Event, TicketTier | None]:
    event = _paid_event()
    orders = _fill(event, SEATS)
    # The first hold falls due in 2 s: the flag set now lasts until then, and no longer.
    Order.objects.filter(id=orders[0].id).update(hold_expires_at=timezone.now() + timedelta(seconds=2))
    assert _answer(event)[0] == "SOLD_OUT"
    assert _answer(event)[1] == []  # answered by the flag
    time.sleep(2.2)
    return event, None


CASES: dict[str, tuple[Callable[[], tuple[Event, TicketTier | None]], str]] = {
    "full": (_full, "SOLD_OUT"),
    "one released": (_one_released, "ok"),
    "capacity raised": (_capacity_raised, "ok"),
    "tier sold out": (_tier_full, "TIER_SOLD_OUT"),
    "tier sold out, other tier free": (_other_tier_free, "ok"),
    "hold expired": (_hold_expired, "ok"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_fast_path_and_the_database_give_the_same_answer(interests, case):
    make, expected = CASES[case]
    event, tier = make()
    first, _ = _answer(event, tier)  # through the database (and, when it finds no seat, the flag is set)
    early, early_queries = _early(event, tier)  # the flags read from the event loop
    fast, fast_queries = _answer(event, tier)  # the flag, if any
    sold_out_clear(event.id)  # no flag holds: the database answers
    slow, slow_queries = _answer(event, tier)
    assert (first, early, fast, slow) == (expected, expected, expected, expected)
    assert early_queries == []
    if expected == "ok":
        assert fast_queries
    else:
        assert fast_queries == []  # not one query: the flag answered
        assert slow_queries


def test_the_event_loop_check_refuses_what_the_hold_refuses_before_the_flags(interests):
    event, _ = _full()
    assert _answer(event)[0] == "SOLD_OUT"  # flagged
    incomplete = UserWithProfileFactory(profile_completed_at=None)
    assert _early(event, user=incomplete)[0] == "PROFILE_INCOMPLETE"
    with pytest.raises(LoopinError) as slow:
        order_create(user=incomplete, event_id=event.id)
    assert slow.value.code == "PROFILE_INCOMPLETE"
    assert _early(event, provider="nonesuch")[0] == "PROVIDER_UNAVAILABLE"
    with pytest.raises(LoopinError) as slow:
        order_create(user=UserWithProfileFactory(), event_id=event.id, provider="nonesuch")
    assert slow.value.code == "PROVIDER_UNAVAILABLE"


def test_a_buyer_holding_seats_gets_their_order_back_from_a_full_event(interests):
    event = _paid_event()
    orders = _fill(event, SEATS)
    assert _answer(event)[0] == "SOLD_OUT"  # through the database: the flag is set
    assert _answer(event) == ("SOLD_OUT", [])
    again = order_create(user=orders[1].user, event_id=event.id)
    assert again.id == orders[1].id


def test_a_flag_written_after_a_release_does_not_hold(interests):
    """A slow loser read the token, found no seat, and writes its flag after a release committed: ignored."""
    event = _paid_event()
    user = UserWithProfileFactory()
    token = sold_out_token(event.id)
    sold_out_clear(event.id)  # a release, between the loser's read and its write
    sold_out_mark(event=event, tier_id=None, token=token, holds_due_at=None)
    assert sold_out_answer(event_id=event.id, tier_id=None, user_id=user.id) is None
    sold_out_mark(event=event, tier_id=None, token=sold_out_token(event.id), holds_due_at=None)
    assert sold_out_answer(event_id=event.id, tier_id=None, user_id=user.id) is Full.EVENT


def test_a_private_event_is_never_flagged(interests):
    event = PublishedEventFactory(is_paid=True, ticket_price=Decimal("200.00"), capacity=1, visibility="private")
    sold_out_mark(event=event, tier_id=None, token=sold_out_token(event.id), holds_due_at=None)
    assert sold_out_answer(event_id=event.id, tier_id=None, user_id=UserWithProfileFactory().id) is None


def _post_counted(api: Any, path: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[Any, int]:
    """POST over HTTP, and how many SQL statements the request ran. It runs on threads of its own (a capture on
    the test's connection sees none of them), so they are counted as the metrics middleware counts them for the
    route (`loopin_db_queries_per_request`)."""
    name, labels = "loopin_db_queries_per_request_sum", {"route": path}
    before = REGISTRY.get_sample_value(name, labels) or 0.0
    r = api.post(path, json=body, headers=headers)
    return r, int((REGISTRY.get_sample_value(name, labels) or 0.0) - before)


@pytest.mark.parametrize("path", ["/api/v2/payments/orders", "/api/payments/orders"])
def test_both_dialects_answer_sold_out_without_reading_orders(api, interests, payu_keys, path):
    event = _paid_event(capacity=1)
    _fill(event, 1)
    headers = token_for(UserWithProfileFactory())
    event_id: Any = str(event.id) if "v2" in path else event.number
    body = {"event_id": event_id, "seats": 1} if "v2" in path else {"event_id": event_id, "seats_count": 1}
    assert buy(api, token_for(UserWithProfileFactory()), event).status_code == 409  # sets the flag
    r, statements = _post_counted(api, path, body, headers)
    assert r.status_code == 409, r.text
    assert r.json()["error_code"] == "SOLD_OUT"
    # The session check, and in the app's dialect the look-up of the event's number: no order, seat or rule read.
    assert statements == (1 if "v2" in path else 2)
    r, statements = _post_counted(api, path, body, headers)  # the session check is cached now
    assert (r.status_code, r.json()["error_code"]) == (409, "SOLD_OUT")
    assert statements == (0 if "v2" in path else 1)


@pytest.mark.django_db(transaction=True)
def test_buyers_racing_a_release_never_oversell_and_the_freed_seat_is_sold(interests):
    event = _paid_event()
    orders = _fill(event, SEATS)
    assert _answer(event)[0] == "SOLD_OUT"
    for round_ in range(3):
        releasing = orders[round_]
        buyers = [UserWithProfileFactory() for _ in range(12)]
        calls: list[Callable[[], object]] = [lambda u=u: order_create(user=u, event_id=event.id) for u in buyers]
        calls.append(lambda o=releasing: order_cancel_pending(user=o.user, order_id=o.id))
        got = race(calls)
        assert got["ok"] - 1 in (0, 1) and got["ok"] - 1 + got["SOLD_OUT"] == len(buyers), got
        event.refresh_from_db()
        held = Order.objects.filter(event=event, status="pending", seats_held=True).count()
        assert event.seats_taken == held <= SEATS
        if event.seats_taken < SEATS:  # every buyer ran before the release committed: the next one gets it
            late = order_create(user=UserWithProfileFactory(), event_id=event.id)
            assert late.seats_held
        event.refresh_from_db()
        assert event.seats_taken == SEATS
    assert Counter(Order.objects.filter(event=event).values_list("status", flat=True)) == Counter(
        {"pending": SEATS, "cancelled": 3}
    )
