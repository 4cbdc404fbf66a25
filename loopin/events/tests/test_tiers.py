"""Ticket tiers: the default tier, a tier's own capacity beside the event's, sales windows, quantities, hidden
tiers and unlock codes, approval per tier, the host's changes, and the states buyers and feed cards show."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loopin.core.errors import LoopinError
from loopin.events.models import JoinMode, TicketTier, TierVisibility
from loopin.events.selectors.tiers import tiers_for
from loopin.events.services.tiers import TierInput, tier_create, tier_delete, tier_update
from loopin.events.tiers import default_tier
from loopin.participation.attendance import attendance_confirm
from loopin.participation.join_requests import join_request_accept, join_request_create
from loopin.payments.services import order_cancel_pending, order_create
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for

START = timezone.now() + timedelta(days=1)


def _tier(event, **fields) -> TicketTier:
    return TicketTier.objects.create(event=event, **{"name": "Tier", "price": event.ticket_price, **fields})


def _counts(event, *tiers) -> tuple[int, ...]:
    event.refresh_from_db()
    for t in tiers:
        t.refresh_from_db()
    return (event.seats_taken, *(t.seats_taken for t in tiers))


def _code(call) -> str:
    with pytest.raises(LoopinError) as exc:
        call()
    return exc.value.code


def test_a_new_event_has_its_default_tier_at_its_price(interests):
    event = PublishedEventFactory(is_paid=True, ticket_price=Decimal("499.00"), capacity=10)
    tier = default_tier(event)
    assert (tier.name, tier.price, tier.capacity, tier.is_default) == ("General admission", Decimal("499.00"), 0, True)
    assert TicketTier.objects.filter(event=event).count() == 1
    event.ticket_price = Decimal("599.00")
    event.save()
    tier.refresh_from_db()
    assert tier.price == Decimal("599.00")


def test_a_tier_sells_no_more_than_its_capacity_while_the_event_has_seats(interests):
    event = PublishedEventFactory(capacity=10)
    small = _tier(event, name="Front row", capacity=2)
    for _ in range(2):
        attendance_confirm(user=UserWithProfileFactory(), event_id=event.id, tier_id=small.id)
    assert _code(lambda: attendance_confirm(user=UserWithProfileFactory(), event_id=event.id, tier_id=small.id)) == (
        "TIER_SOLD_OUT"
    )
    assert _counts(event, small) == (2, 2)
    attendance_confirm(user=UserWithProfileFactory(), event_id=event.id)  # the default tier still sells
    assert _counts(event, small, default_tier(event)) == (3, 2, 1)


def test_the_event_capacity_caps_every_tier_together(interests):
    event = PublishedEventFactory(capacity=3)
    a, b = _tier(event, name="A", capacity=5), _tier(event, name="B", capacity=5)
    attendance_confirm(user=UserWithProfileFactory(), event_id=event.id, tier_id=a.id)
    attendance_confirm(user=UserWithProfileFactory(), event_id=event.id, tier_id=b.id)
    attendance_confirm(user=UserWithProfileFactory(), event_id=event.id, tier_id=a.id)
    assert _code(lambda: attendance_confirm(user=UserWithProfileFactory(), event_id=event.id, tier_id=b.id)) == (
        "CAPACITY_EXCEEDED"
    )
    assert _counts(event, a, b) == (3, 2, 1)


def test_a_paid_order_holds_in_its_tier_and_gives_the_seat_back_there(interests):
    event = PublishedEventFactory(is_paid=True, ticket_price=Decimal("300.00"), capacity=5)
    vip = _tier(event, name="VIP", price=Decimal("900.00"), capacity=1)
    buyer = UserWithProfileFactory()
    order = order_create(user=buyer, event_id=event.id, tier_id=vip.id)
    assert (order.tier_id, order.base_price, order.total) == (vip.id, Decimal("900.00"), Decimal("990.00"))
    assert _counts(event, vip) == (1, 1)
    assert _code(lambda: order_create(user=UserWithProfileFactory(), event_id=event.id, tier_id=vip.id)) == (
        "TIER_SOLD_OUT"
    )
    order_cancel_pending(user=buyer, order_id=order.id)
    assert _counts(event, vip) == (0, 0)


def test_sales_windows_refuse_before_and_after(interests):
    event = PublishedEventFactory()
    now = timezone.now()
    early = _tier(event, name="Early", sales_end_at=now - timedelta(minutes=1))
    later = _tier(event, name="Later", sales_start_at=now + timedelta(days=1))
    person = UserWithProfileFactory()
    assert _code(lambda: attendance_confirm(user=person, event_id=event.id, tier_id=early.id)) == "TIER_SALES_ENDED"
    assert _code(lambda: attendance_confirm(user=person, event_id=event.id, tier_id=later.id)) == "TIER_NOT_ON_SALE"
    states = {t.name: t.state for t in tiers_for(event)}
    assert states == {"General admission": "on_sale", "Early": "sales_ended", "Later": "not_yet_on_sale"}


def test_a_tier_sets_its_own_seats_per_order(interests):
    event = PublishedEventFactory()
    table = _tier(event, name="Table", min_per_order=2, max_per_order=4)
    assert _code(lambda: attendance_confirm(user=UserWithProfileFactory(), event_id=event.id, tier_id=table.id)) == (
        "TIER_QUANTITY"
    )
    ticket = attendance_confirm(user=UserWithProfileFactory(), event_id=event.id, tier_id=table.id, seats=4)
    assert (ticket.seats, ticket.tier_id) == (4, table.id)


def test_a_hidden_tier_needs_its_unlock_code_in_any_case(interests):
    event = PublishedEventFactory()
    vip = _tier(event, name="VIP", visibility=TierVisibility.HIDDEN, unlock_code="backstage")
    assert vip.unlock_code == "BACKSTAGE"
    person = UserWithProfileFactory()
    assert _code(lambda: attendance_confirm(user=person, event_id=event.id, tier_id=vip.id)) == "TIER_NOT_FOUND"
    assert _code(lambda: attendance_confirm(user=person, event_id=event.id, tier_id=vip.id, unlock_code="nope")) == (
        "TIER_NOT_FOUND"
    )
    assert [t.name for t in tiers_for(event)] == ["General admission"]
    assert [t.name for t in tiers_for(event, unlocked_ids={vip.id})] == ["General admission", "VIP"]
    ticket = attendance_confirm(user=person, event_id=event.id, tier_id=vip.id, unlock_code=" BackStage ")
    assert ticket.tier_id == vip.id


def test_a_tier_that_requires_approval_is_asked_for_then_confirmed(interests):
    event = PublishedEventFactory()
    guest_list = _tier(event, name="Guest list", requires_approval=True)
    person = UserWithProfileFactory()
    assert _code(lambda: attendance_confirm(user=person, event_id=event.id, tier_id=guest_list.id)) == (
        "TIER_APPROVAL_REQUIRED"
    )
    assert _code(lambda: join_request_create(user=person, event_id=event.id)) == "REQUEST_NOT_NEEDED"
    req = join_request_create(user=person, event_id=event.id, tier_id=guest_list.id)
    join_request_accept(host=event.host, event_id=event.id, request_id=req.id)
    assert _counts(event, guest_list) == (1, 1)  # held since the acceptance, in its tier
    ticket = attendance_confirm(user=person, event_id=event.id)
    assert ticket.tier_id == guest_list.id
    assert _counts(event, guest_list) == (1, 1)


def test_an_approval_event_holds_an_accepted_request_in_the_default_tier(interests):
    event = PublishedEventFactory(join_mode=JoinMode.APPROVAL, capacity=4)
    person = UserWithProfileFactory()
    req = join_request_create(user=person, event_id=event.id)
    join_request_accept(host=event.host, event_id=event.id, request_id=req.id)
    assert _counts(event, default_tier(event)) == (1, 1)


def test_with_no_tier_asked_the_first_public_tier_on_sale_sells(interests):
    event = PublishedEventFactory(is_paid=True, ticket_price=Decimal("200.00"))
    default = default_tier(event)
    TicketTier.objects.filter(id=default.id).update(sales_end_at=timezone.now() - timedelta(hours=1))
    _tier(
        event, name="Secret", price=Decimal("100.00"), visibility=TierVisibility.HIDDEN, unlock_code="X", sort_order=1
    )
    regular = _tier(event, name="Regular", price=Decimal("250.00"), sort_order=2)
    order = order_create(user=UserWithProfileFactory(), event_id=event.id)
    assert (order.tier_id, order.base_price) == (regular.id, Decimal("250.00"))


# ---------------------------------------------------------------- the host's changes


def test_host_adds_changes_and_removes_tiers(interests):
    event = PublishedEventFactory(is_paid=True, ticket_price=Decimal("500.00"), capacity=50)
    vip = tier_create(
        actor=event.host,
        event_id=event.id,
        data=TierInput(name="VIP", price=Decimal("1500.00"), capacity=10, given={"name", "price", "capacity"}),
    )
    tier_update(actor=event.host, event_id=event.id, tier_id=vip.id, data=TierInput(capacity=12, given={"capacity"}))
    vip.refresh_from_db()
    assert (vip.capacity, vip.price) == (12, Decimal("1500.00"))
    tier_delete(actor=event.host, event_id=event.id, tier_id=vip.id)
    assert list(TicketTier.objects.filter(event=event).values_list("name", flat=True)) == ["General admission"]


def test_a_tier_with_sales_is_not_removed_nor_repriced_but_can_be_hidden(interests):
    event = PublishedEventFactory(is_paid=True, ticket_price=Decimal("500.00"))
    vip = _tier(event, name="VIP", price=Decimal("800.00"))
    order_create(user=UserWithProfileFactory(), event_id=event.id, tier_id=vip.id)
    host = event.host
    assert _code(lambda: tier_delete(actor=host, event_id=event.id, tier_id=vip.id)) == "TIER_HAS_SALES"
    assert (
        _code(
            lambda: tier_update(
                actor=host, event_id=event.id, tier_id=vip.id, data=TierInput(price=Decimal("1.00"), given={"price"})
            )
        )
        == "PRICE_LOCKED"
    )
    hide = TierInput(visibility="hidden", unlock_code="late", sales_end_at=timezone.now(), given={"visibility"})
    hide.given |= {"unlock_code", "sales_end_at"}
    tier_update(actor=host, event_id=event.id, tier_id=vip.id, data=hide)
    vip.refresh_from_db()
    assert (vip.visibility, vip.unlock_code) == ("hidden", "LATE")
    assert _code(lambda: tier_delete(actor=host, event_id=event.id, tier_id=default_tier(event).id)) == (
        "DEFAULT_TIER_KEPT"
    )


@pytest.mark.parametrize(
    ("paid", "fields", "field"),
    [
        (True, {"price": Decimal("0")}, "price"),
        (False, {"price": Decimal("10")}, "price"),
        (False, {"sales_start_at": START, "sales_end_at": START - timedelta(hours=1)}, "sales_end_at"),
        (False, {"min_per_order": 3, "max_per_order": 2}, "max_per_order"),
        (False, {"visibility": "hidden"}, "unlock_code"),
    ],
)
def test_a_tier_that_makes_no_sense_is_refused_field_by_field(interests, paid, fields, field):
    event = PublishedEventFactory(is_paid=paid, ticket_price=Decimal("100.00") if paid else Decimal("0"))
    data = TierInput(name="X", price=fields.pop("price", event.ticket_price), **fields)
    data.given = {"name", "price", *fields}
    with pytest.raises(LoopinError) as exc:
        tier_create(actor=event.host, event_id=event.id, data=data)
    assert (exc.value.code, exc.value.details["fields"][0]["field"]) == ("VALIDATION_ERROR", field)


def test_only_the_host_manages_tiers(interests):
    event = PublishedEventFactory()
    data = TierInput(name="X", price=Decimal("0"), given={"name", "price"})
    assert _code(lambda: tier_create(actor=UserWithProfileFactory(), event_id=event.id, data=data)) == (
        "NOT_EVENT_HOST"
    )


# ---------------------------------------------------------------- over HTTP


def test_tiers_over_http_and_the_card_states(api, interests):
    event = PublishedEventFactory(is_paid=True, ticket_price=Decimal("400.00"), capacity=3)
    host = token_for(event.host)
    r = api.post(
        f"/api/v2/events/{event.id}/tiers",
        json={"name": "Early bird", "price": "300.00", "capacity": 1, "sort_order": 0},
        headers=host,
    )
    assert r.status_code == 201, r.text
    early = r.json()["data"]
    assert (early["state"], early["seats_left"], early["max_per_order"]) == ("on_sale", 1, 1)
    r = api.post(
        f"/api/v2/events/{event.id}/tiers",
        json={"name": "VIP", "price": "900.00", "visibility": "hidden", "unlock_code": "vip2026"},
        headers=host,
    )
    vip = r.json()["data"]
    assert (vip["unlock_code"], vip["state"]) == ("VIP2026", "on_sale")
    assert api.post(f"/api/v2/events/{event.id}/tiers", json={"name": "Free", "price": "0"}, headers=host).json()[
        "error_code"
    ] == ("VALIDATION_ERROR")

    buyer = token_for(UserWithProfileFactory())
    r = api.post("/api/v2/payments/orders", json={"event_id": str(event.id), "tier_id": early["id"]}, headers=buyer)
    assert (r.status_code, r.json()["data"]["tier_name"], r.json()["data"]["base_price"]) == (
        200,
        "Early bird",
        "300.00",
    )
    other = token_for(UserWithProfileFactory())
    r = api.post("/api/v2/payments/orders", json={"event_id": str(event.id), "tier_id": early["id"]}, headers=other)
    assert (r.status_code, r.json()["error_code"]) == (409, "TIER_SOLD_OUT")
    r = api.post("/api/v2/payments/orders", json={"event_id": str(event.id), "tier_id": vip["id"]}, headers=other)
    assert (r.status_code, r.json()["error_code"]) == (404, "TIER_NOT_FOUND")

    listed = api.get(f"/api/v2/events/{event.id}/tiers", headers=other).json()["data"]
    assert [(t["name"], t["state"], t["unlock_code"]) for t in listed] == [
        ("General admission", "on_sale", None),  # made with the event: first among equal sort orders
        ("Early bird", "sold_out", None),
    ]
    unlocked = api.get(f"/api/v2/events/{event.id}/tiers?unlock_code=Vip2026", headers=other).json()["data"]
    assert [t["name"] for t in unlocked] == ["General admission", "Early bird", "VIP"]
    detail = api.get(f"/api/v2/events/{event.id}", headers=other).json()["data"]
    assert ([t["name"] for t in detail["tiers"]], detail["availability"]) == (
        ["General admission", "Early bird"],
        "on_sale",
    )

    # Every public tier full while the event has a seat left: tiers_sold_out, apart from sold_out.
    default_id = next(t["id"] for t in listed if t["name"] == "General admission")
    api.patch(f"/api/v2/events/{event.id}/tiers/{default_id}", json={"capacity": 1}, headers=host)
    r = api.post("/api/v2/payments/orders", json={"event_id": str(event.id)}, headers=other)
    assert r.json()["data"]["tier_name"] == "General admission"
    card = next(c for c in api.get("/api/v2/events").json()["data"] if c["id"] == str(event.id))
    assert (card["availability"], card["seats_left"]) == ("tiers_sold_out", 1)
    third = token_for(UserWithProfileFactory())
    r = api.post(
        "/api/v2/payments/orders",
        json={"event_id": str(event.id), "tier_id": vip["id"], "unlock_code": "VIP2026"},
        headers=third,
    )
    assert r.status_code == 200, r.text
    card = next(c for c in api.get("/api/v2/events").json()["data"] if c["id"] == str(event.id))
    assert (card["availability"], card["seats_left"]) == ("sold_out", 0)

    r = api.delete(f"/api/v2/events/{event.id}/tiers/{early['id']}", headers=host)
    assert (r.status_code, r.json()["error_code"]) == (409, "TIER_HAS_SALES")
