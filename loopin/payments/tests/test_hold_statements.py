"""A hold's statements (issue 22): the exact list a new buyer's hold runs, and the fast paths on it giving the
same answer as the ORM reads they replace (the rules' one query, the due check, the fee, the open order, the
waitlist offer, the block check, the tiers, the seats announcement, the answer built from what the service wrote)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loopin.events.models import (
    Event,
    Invitation,
    InvitationStatus,
    JoinMode,
    JoinRequest,
    RequestStatus,
    TicketTier,
    WaitlistEntry,
    WaitlistStatus,
)
from loopin.events.realtime import _SEATS, seats_payload
from loopin.events.tiers import DEFAULT_TIER, default_tier
from loopin.participation.rules import _TIER_OF, STANDING, _admission, _standing, _valid_tickets, admission_of
from loopin.participation.waitlist import OFFER_OF, waitlist_offer_of, waitlist_offers_due
from loopin.payments import selectors
from loopin.payments.api import order_create_and_read
from loopin.payments.models import FeeConfig, Order, OrderStatus, PromoCode, PromoKind
from loopin.payments.services import order_create, order_hold, order_release
from loopin.payments.services.orders import _DUE, _OPEN, fee_percent_now, holds_due
from loopin.people.models import Block
from loopin.people.selectors import BLOCKED_WITH_ANY, is_blocked_with_any
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.tickets.models import Ticket, TicketStatus

HOLD: dict[str, Any] = {
    "seats": 1,
    "provider": None,
    "tier_id": None,
    "unlock_code": None,
    "promo_code": None,
    "amount": None,
    "answers": [],
}


def _paid_event(**fields: Any) -> Event:
    return PublishedEventFactory(is_paid=True, ticket_price=Decimal("499.00"), capacity=10, **fields)


def _statement(sql: str) -> str:
    """A statement's verb and its own table (the FROM outside any subquery): what the list below names."""
    flat = sql.replace('"', "")
    verb = flat.split()[0].upper()
    if verb == "INSERT":
        return f"INSERT {flat.split()[2]}"
    if verb == "UPDATE":
        return f"UPDATE {flat.split()[1]}"
    if verb == "WITH":  # data-modifying CTEs: the tables each one updates, in order
        return "WITH " + " + ".join(f"UPDATE {part.split()[0]}" for part in flat.split("UPDATE ")[1:])
    if verb in ("SELECT", "DELETE"):
        depth = 0
        for i, char in enumerate(flat):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0 and flat.startswith(" FROM ", i):
                return f"{verb} {flat[i + 6 :].split()[0]}"
    return flat


def test_a_new_buyers_hold_runs_exactly_these_statements(interests):
    event = _paid_event()
    order_create_and_read(user=UserWithProfileFactory(), event_id=event.id, **HOLD)  # compiles, fills the caches
    buyer = UserWithProfileFactory()
    with CaptureQueriesContext(connection) as queries:
        order_create_and_read(user=buyer, event_id=event.id, **HOLD)
    sqlite = connection.vendor == "sqlite"
    begin = "BEGIN IMMEDIATE" if sqlite else "BEGIN"
    numbering = (
        ["INSERT payments_order_number", "DELETE payments_order_number"]
        if sqlite
        else ["SELECT nextval('payments_order_number')"]
    )
    assert [_statement(q["sql"]) for q in queries.captured_queries] == [
        "SELECT events_event",  # a hold or a waitlist offer due? (one statement, usually no)
        begin,
        "SELECT events_event",  # event_for
        "SELECT payments_order",  # the buyer's open order
        "SELECT events_waitlistentry",  # their waitlist offer
        "SELECT people_block",
        "SELECT events_event",  # accepted request, going invitation, valid ticket: one statement
        "SELECT events_tickettier",  # the default tier
        "SELECT events_checkoutquestion",
        "SELECT payments_feeconfig",
        *numbering,
        "INSERT payments_order",
        "INSERT audit_auditentry",
        # The hot row, last before the commit: the event's seats, then the tier's (one statement on PostgreSQL).
        *(
            ["UPDATE events_event", "UPDATE events_tickettier"]
            if sqlite
            else ["WITH UPDATE events_event + UPDATE events_tickettier"]
        ),
        "COMMIT",
        "SELECT events_event",  # the seats announcement, after commit
        "UPDATE payments_order",  # the checkout attached; the answer is built from what was written
    ]


def _new_order_answer_both_ways(user: Any, event: Event, **hold: Any) -> tuple[Any, Any]:
    """The answer built from what the service wrote, and the same order read back (`order_view`)."""
    order, written = order_hold(user=user, event_id=event.id, **hold)
    assert written
    return selectors.order_view_new(order, viewer=user), selectors.order_view(user=user, order_id=order.id)


@pytest.mark.parametrize("case", ["default tier", "two seats", "promo code", "pay what you want", "vip tier"])
def test_the_answer_from_what_was_written_is_the_order_read_back(interests, case):
    event = _paid_event(allow_plus_one=True)
    vip = TicketTier.objects.create(event=event, name="VIP", price=Decimal("1000.00"), sort_order=1)
    supporter = TicketTier.objects.create(
        event=event, name="Supporter", price=Decimal("100.00"), pay_what_you_want=True, sort_order=2
    )
    PromoCode.objects.create(event=event, code="launch20", kind=PromoKind.PERCENT, amount=Decimal("20"))
    hold = {
        "default tier": {},
        "two seats": {"seats": 2},
        "promo code": {"promo_code": "Launch20"},
        "pay what you want": {"tier_id": supporter.id, "amount": Decimal("333.33")},
        "vip tier": {"tier_id": vip.id},
    }[case]
    new, read_back = _new_order_answer_both_ways(UserWithProfileFactory(), event, **hold)
    assert new.model_dump() == read_back.model_dump()
    assert new.checkout is not None and new.checkout == read_back.checkout


def test_a_repeat_call_is_read_back_not_built(interests):
    event, buyer = _paid_event(), UserWithProfileFactory()
    first = order_create(user=buyer, event_id=event.id)
    order, written = order_hold(user=buyer, event_id=event.id)
    assert (order.id, written) == (first.id, False)


@pytest.fixture
def standings(interests: Any) -> tuple[Event, dict[str, Any]]:
    """One event and a person in each relation to it that the rules read."""
    event = _paid_event(join_mode=JoinMode.APPROVAL)
    people = {
        name: UserWithProfileFactory()
        for name in (
            "none",
            "accepted",
            "expired",
            "pending",
            "invited",
            "invite pending",
            "ticket",
            "ticket cancelled",
            "all",
        )
    }
    host = event.host
    for name in ("accepted", "all"):
        JoinRequest.objects.create(event=event, user=people[name], status=RequestStatus.ACCEPTED)
    JoinRequest.objects.create(
        event=event, user=people["expired"], status=RequestStatus.ACCEPTED, confirm_by=timezone.now() - timedelta(1)
    )
    JoinRequest.objects.create(event=event, user=people["pending"])
    for name in ("invited", "all"):
        Invitation.objects.create(event=event, invitee=people[name], invited_by=host, status=InvitationStatus.GOING)
    Invitation.objects.create(event=event, invitee=people["invite pending"], invited_by=host)
    for name, status in (
        ("ticket", TicketStatus.VALID),
        ("ticket cancelled", TicketStatus.CANCELLED),
        ("all", TicketStatus.VALID),
    ):
        Ticket.objects.create(event=event, user=people[name], status=status, source="open", code=uuid.uuid4().hex[:12])
    return event, people


def test_the_rules_one_query_reads_what_the_three_did(standings):
    event, people = standings
    seen = {}
    for name, person in people.items():
        assert STANDING.rows(event_id=event.id, user_id=person.id) == STANDING.rows_orm(
            event_id=event.id, user_id=person.id
        )
        standing = _standing(person, event)
        assert _admission(standing.request, standing.invitation) == admission_of(person, event)
        assert standing.going == _valid_tickets(event.id, person.id).exists()
        seen[name] = (standing.request is not None, standing.invitation is not None, standing.going)
    assert seen == {
        "none": (False, False, False),
        "accepted": (True, False, False),
        "expired": (True, False, False),
        "pending": (False, False, False),
        "invited": (False, True, False),
        "invite pending": (False, False, False),
        "ticket": (False, False, True),
        "ticket cancelled": (False, False, False),
        "all": (True, True, True),
    }


def test_the_due_check_answers_as_the_expiry_reads(interests):
    now = timezone.now()
    events = {
        name: _paid_event()
        for name in ("nothing", "hold later", "hold due", "hold released", "offer due", "offer later", "other's due")
    }
    buyer = UserWithProfileFactory()

    def order(event: Event, due: bool, held: bool = True) -> None:
        o = order_create(user=UserWithProfileFactory(), event_id=event.id)
        Order.objects.filter(id=o.id).update(
            hold_expires_at=now - timedelta(seconds=1) if due else now + timedelta(minutes=5), seats_held=held
        )

    def offer(event: Event, due: bool) -> None:
        WaitlistEntry.objects.create(
            event=event,
            tier=TicketTier.objects.get(event=event),
            user=buyer,
            status=WaitlistStatus.OFFERED,
            seats_held=True,
            offered_at=now,
            offer_expires_at=now + timedelta(minutes=-1 if due else 5),
        )

    order(events["hold later"], due=False)
    order(events["hold due"], due=True)
    order(events["hold released"], due=True, held=False)
    offer(events["offer due"], due=True)
    offer(events["offer later"], due=False)
    other = _paid_event()
    order(other, due=True)
    answers = {}
    for name, event in events.items():
        rows = _DUE.rows(event_id=event.id, now=now)
        assert rows == _DUE.rows_orm(event_id=event.id, now=now)
        assert rows == [
            {
                "holds": holds_due(now).filter(event_id=event.id).exists(),
                "offers": waitlist_offers_due(now).filter(event_id=event.id).exists(),
            }
        ]
        answers[name] = (rows[0]["holds"], rows[0]["offers"])
    assert answers == {
        "nothing": (False, False),
        "hold later": (False, False),
        "hold due": (True, False),
        "hold released": (False, False),
        "offer due": (False, True),
        "offer later": (False, False),
        "other's due": (False, False),
    }


def test_the_fee_read_is_the_current_fee(interests):
    FeeConfig.objects.all().delete()
    assert fee_percent_now() == Decimal("10.00")  # no row yet: made as `FeeConfig.current()` makes it
    FeeConfig.objects.update_or_create(pk=1, defaults={"fee_percent": Decimal("12.50")})
    assert fee_percent_now() == FeeConfig.current().fee_percent == Decimal("12.50")


def _columns(objs: list[Any]) -> list[dict[str, Any]]:
    return [{f.attname: getattr(o, f.attname) for f in type(o)._meta.concrete_fields} for o in objs]


def test_the_open_order_read_is_the_orms(interests):
    event, elsewhere = _paid_event(), _paid_event()
    buyers = {name: UserWithProfileFactory() for name in ("none", "pending", "other event", "released", "two")}
    order_create(user=buyers["pending"], event_id=event.id)
    order_create(user=buyers["other event"], event_id=elsewhere.id)
    released = order_create(user=buyers["released"], event_id=event.id)
    order_release(order_id=released.id, status=OrderStatus.CANCELLED, reason="given up")
    given_up = order_create(user=buyers["two"], event_id=event.id)
    order_release(order_id=given_up.id, status=OrderStatus.CANCELLED, reason="given up")
    order_create(user=buyers["two"], event_id=event.id)  # a new pending order after a given-up one
    found = {}
    for name, buyer in buyers.items():
        compiled = _OPEN.instances(event_id=event.id, user_id=buyer.id)
        assert _columns(compiled) == _columns(_OPEN.instances_orm(event_id=event.id, user_id=buyer.id)), name
        orm = Order.objects.filter(event=event, user=buyer, status=OrderStatus.PENDING).first()  # the read replaced
        assert _columns(compiled) == _columns([orm] if orm else []), name
        found[name] = [o.status for o in compiled]
    assert found == {"none": [], "pending": ["pending"], "other event": [], "released": [], "two": ["pending"]}


def test_the_waitlist_offer_read_is_the_orms(interests):
    event, elsewhere = _paid_event(), _paid_event()
    tier, other_tier = default_tier(event), default_tier(elsewhere)
    now = timezone.now()
    people = {
        name: UserWithProfileFactory()
        for name in ("none", "offered", "lapsed", "not held", "waiting", "converted", "other event")
    }

    def entry(name: str, status: str, *, held: bool = True, minutes: int = 5, at: Any = None) -> None:
        WaitlistEntry.objects.create(
            event=elsewhere if at else event,
            tier=other_tier if at else tier,
            user=people[name],
            status=status,
            seats_held=held,
            offered_at=now,
            offer_expires_at=now + timedelta(minutes=minutes),
        )

    entry("offered", WaitlistStatus.OFFERED)
    entry("lapsed", WaitlistStatus.OFFERED, minutes=-1)
    entry("not held", WaitlistStatus.OFFERED, held=False)
    entry("waiting", WaitlistStatus.WAITING, held=False)
    entry("converted", WaitlistStatus.CONVERTED, held=False)
    entry("other event", WaitlistStatus.OFFERED, at=elsewhere)
    found = {}
    for name, person in people.items():
        compiled = OFFER_OF.instances(event_id=event.id, user_id=person.id, now=now)
        assert _columns(compiled) == _columns(OFFER_OF.instances_orm(event_id=event.id, user_id=person.id, now=now))
        offer = waitlist_offer_of(user=person, event=event)
        assert _columns(compiled) == _columns([offer] if offer else []), name
        found[name] = [(e.status, e.seats_held) for e in compiled]
    assert found == {
        "none": [],
        "offered": [("offered", True)],
        "lapsed": [],
        "not held": [],
        "waiting": [],
        "converted": [],
        "other event": [],
    }


def test_the_block_check_is_the_orms(interests):
    me, host, stranger, member, other_member = (UserWithProfileFactory() for _ in range(5))
    Block.objects.create(blocker=me, blocked=host)
    Block.objects.create(blocker=other_member, blocked=me)
    Block.objects.create(blocker=stranger, blocked=member)  # between two others: not mine
    asked = {
        "I blocked the host": [host.id],
        "the host, twice": [host.id, host.id],
        "a member blocked me": [member.id, other_member.id],
        "nobody blocked": [member.id],
        "the stranger": [stranger.id],
    }
    answers = {}
    for name, ids in asked.items():
        unique = list(dict.fromkeys(ids))
        assert BLOCKED_WITH_ANY.rows(me=me.id, ids=unique) == BLOCKED_WITH_ANY.rows_orm(me=me.id, ids=unique), name
        answers[name] = is_blocked_with_any(me, ids)
        orm = Block.objects.filter(Q(blocker_id=me.id, blocked_id__in=ids) | Q(blocked_id=me.id, blocker_id__in=ids))
        assert answers[name] == orm.exists(), name  # the read replaced
    assert answers == {
        "I blocked the host": True,
        "the host, twice": True,
        "a member blocked me": True,
        "nobody blocked": False,
        "the stranger": False,
    }
    assert is_blocked_with_any(me, []) is False


def test_the_tier_reads_are_the_orms(interests):
    event, elsewhere, bare = _paid_event(), _paid_event(), _paid_event()
    general = default_tier(event)
    vip = TicketTier.objects.create(event=event, name="VIP", price=Decimal("1000.00"), sort_order=1)
    theirs = default_tier(elsewhere)
    TicketTier.objects.filter(event=bare).delete()  # no default tier yet (`default_tier` makes it when missing)
    for made in (event, elsewhere, bare):
        compiled = DEFAULT_TIER.instances(event_id=made.id)
        orm = TicketTier.objects.filter(event_id=made.id, is_default=True).first()  # the read replaced
        assert (
            _columns(compiled)
            == _columns(DEFAULT_TIER.instances_orm(event_id=made.id))
            == _columns([orm] if orm else [])
        )
    assert [t.id for t in DEFAULT_TIER.instances(event_id=event.id)] == [general.id]
    assert DEFAULT_TIER.instances(event_id=bare.id) == []
    picked = {}
    for name, tier_id in (
        ("vip", vip.id),
        ("default", general.id),
        ("another event's", theirs.id),
        ("no such", uuid.uuid4()),
    ):
        compiled = _TIER_OF.instances(tier_id=tier_id, event_id=event.id)
        orm = TicketTier.objects.filter(id=tier_id, event_id=event.id).first()
        assert (
            _columns(compiled)
            == _columns(_TIER_OF.instances_orm(tier_id=tier_id, event_id=event.id))
            == _columns([orm] if orm else [])
        ), name
        picked[name] = [t.name for t in compiled]
    assert picked == {"vip": ["VIP"], "default": ["General admission"], "another event's": [], "no such": []}


def test_the_seats_announcement_reads_the_counts(interests):
    event = _paid_event(allow_plus_one=True)
    order_create(user=UserWithProfileFactory(), event_id=event.id, seats=2)
    for event_id in (event.id, uuid.uuid4()):
        orm = Event.objects.filter(id=event_id).values("capacity", "seats_taken", "going_count").first()
        assert _SEATS.rows(event_id=event_id) == _SEATS.rows_orm(event_id=event_id) == ([orm] if orm else [])
    assert seats_payload(event_id=event.id) == {
        "event_id": str(event.id),
        "capacity": 10,
        "seats_taken": 2,
        "seats_left": 8,
        "going_count": 0,
    }
    assert seats_payload(event_id=uuid.uuid4()) is None
