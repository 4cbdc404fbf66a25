"""Placing an order: a ticket holder, in the event's ordering window, at an open counter of the event's venue,
for things sold at this event; tax per line; counted stock taken, or the order refused with nothing taken."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loopin.core.errors import LoopinError
from loopin.events.models import Event
from loopin.testing.factories import UserWithProfileFactory
from loopin.tickets.models import EventDoorSettings
from loopin.venuecommerce.models import Counter, MenuVariant, VenueOrder
from loopin.venuecommerce.pricing import line_price, order_totals
from loopin.venuecommerce.services.menu import menu_availability_set
from loopin.venuecommerce.services.orders import DeliverTo, LineInput, order_place


def _place(world, *lines, user=None, **kw):
    return order_place(
        user=user or world.guest,
        event_id=world.event.id,
        counter_id=kw.pop("counter_id", world.counter.id),
        lines=[LineInput(variant_id=v.id, quantity=q) for v, q in lines],
        **kw,
    )


def _code(call) -> str:
    with pytest.raises(LoopinError) as exc:
        call()
    return exc.value.code


def test_a_free_order_is_placed_at_once_and_takes_its_stock(world):
    order = _place(world, (world.water, 2))
    assert (order.status, order.total, order.paid_at is not None, order.counter_id) == (
        "placed", Decimal("0.00"), True, world.counter.id,
    )  # fmt: skip
    assert [(li.item_name, li.quantity, li.stock_counted) for li in order.lines.all()] == [("Water", 2, True)]
    world.water.refresh_from_db()
    assert world.water.stock == 3


def test_gst_is_rounded_on_each_line_then_summed():
    lines = [
        line_price(unit_price=Decimal("33.33"), quantity=1, gst_rate=Decimal("5")),  # 1.6665 -> 1.67
        line_price(unit_price=Decimal("33.33"), quantity=1, gst_rate=Decimal("5")),
        line_price(unit_price=Decimal("799.00"), quantity=2, gst_rate=Decimal("12")),  # 191.76
    ]
    assert [line.tax for line in lines] == [Decimal("1.67"), Decimal("1.67"), Decimal("191.76")]
    totals = order_totals(lines, tip=Decimal("20"))
    assert (totals.subtotal, totals.tax_total, totals.tip, totals.total) == (
        Decimal("1664.66"), Decimal("195.10"), Decimal("20.00"), Decimal("1879.76"),
    )  # fmt: skip


def test_only_a_ticket_holder_may_order(world):
    assert _code(lambda: _place(world, (world.water, 1), user=UserWithProfileFactory())) == "ORDER_NEEDS_TICKET"


def test_orders_open_at_doors_open_and_close_at_the_end(world):
    EventDoorSettings.objects.create(event=world.event, opens_minutes_before=15)  # doors in 15 of the 30 minutes
    assert _code(lambda: _place(world, (world.water, 1))) == "ORDERING_CLOSED"
    EventDoorSettings.objects.filter(event=world.event).update(opens_minutes_before=45)
    assert _place(world, (world.water, 1)).status == "placed"
    ended = timezone.now() - timedelta(minutes=1)
    Event.objects.filter(id=world.event.id).update(start_at=ended - timedelta(hours=2), end_at=ended)
    assert _code(lambda: _place(world, (world.water, 1))) == "ORDERING_CLOSED"


def test_a_closed_counter_or_another_venues_counter_takes_no_orders(world):
    Counter.objects.filter(id=world.counter.id).update(is_open=False)
    assert _code(lambda: _place(world, (world.water, 1))) == "COUNTER_CLOSED"
    elsewhere = Counter.objects.create(venue=type(world.venue).objects.create(name="Elsewhere", city="Pune"), name="X")
    assert _code(lambda: _place(world, (world.water, 1), counter_id=elsewhere.id)) == "COUNTER_NOT_FOUND"


def test_an_item_off_for_this_event_cannot_be_ordered(world):
    menu_availability_set(
        user=world.owner, venue_id=world.venue.id, item_id=world.water.item_id, event_id=world.event.id,
        is_available=False,
    )  # fmt: skip
    assert _code(lambda: _place(world, (world.water, 1))) == "ITEM_NOT_AVAILABLE"


def test_delivery_needs_a_place_and_keeps_it(world):
    assert _code(lambda: _place(world, (world.water, 1), fulfilment="delivery")) == "VALIDATION_ERROR"
    order = _place(
        world, (world.water, 1), fulfilment="delivery", deliver_to=DeliverTo(section="B", row="4", seat="12")
    )
    assert (order.fulfilment, order.deliver_to) == ("delivery", "Section B, Row 4, Seat 12")


def test_asking_for_more_than_is_left_takes_nothing(world):
    assert _code(lambda: _place(world, (world.water, 1), (world.tee, 4))) == "OUT_OF_STOCK"
    assert list(MenuVariant.objects.filter(id__in=[world.water.id, world.tee.id]).order_by("item__name")
                .values_list("stock", flat=True)) == [3, 5]  # fmt: skip
    assert VenueOrder.objects.count() == 0


def test_the_same_variant_twice_is_one_line(world):
    order = _place(world, (world.water, 1), (world.water, 2))
    assert [(li.quantity, li.total) for li in order.lines.all()] == [(3, Decimal("0.00"))]
