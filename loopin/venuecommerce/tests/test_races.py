"""Stock under concurrent orders, with real threads (PostgreSQL: the conditional UPDATE on the variant's row is
the guard; SQLite: writers are serialised; both must give the same result). Run it on PostgreSQL:
DATABASE_URL=postgresql://… pytest loopin/venuecommerce/tests/test_races.py"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from loopin.looppay.promotions import promo_grant
from loopin.looppay.selectors import credit_balance
from loopin.testing.concurrency import outcomes as race
from loopin.venuecommerce.models import MenuVariant, VenueOrder, VenueOrderLine
from loopin.venuecommerce.services.orders import LineInput, order_place
from loopin.venuecommerce.services.transitions import order_cancel
from loopin.venuecommerce.tests.conftest import guest_with_ticket

GUESTS = 24


def _order(world, guest, *lines):
    return order_place(
        user=guest,
        event_id=world.event.id,
        counter_id=world.counter.id,
        lines=[LineInput(variant_id=v.id, quantity=q) for v, q in lines],
    )


def test_twenty_four_guests_for_five_bottles_get_five_orders_and_the_stock_ends_at_zero(world):
    guests = [guest_with_ticket(world.event) for _ in range(GUESTS)]
    outcomes = race([lambda g=g: _order(world, g, (world.water, 1)) for g in guests])
    assert outcomes == Counter({"ok": 5, "OUT_OF_STOCK": GUESTS - 5})
    assert MenuVariant.objects.get(id=world.water.id).stock == 0
    assert VenueOrder.objects.filter(status="placed").count() == 5


def test_orders_naming_two_counted_variants_in_either_order_never_deadlock_or_oversell(world):
    MenuVariant.objects.filter(id=world.tee.id).update(stock=6, price=0)
    guests = [guest_with_ticket(world.event) for _ in range(GUESTS)]
    calls = [
        (lambda g=g: _order(world, g, (world.water, 1), (world.tee, 1)))
        if i % 2
        else (lambda g=g: _order(world, g, (world.tee, 1), (world.water, 1)))
        for i, g in enumerate(guests)
    ]
    assert race(calls) == Counter({"ok": 5, "OUT_OF_STOCK": GUESTS - 5})
    assert list(MenuVariant.objects.filter(id__in=[world.water.id, world.tee.id]).order_by("item__name")
                .values_list("stock", flat=True)) == [1, 0]  # fmt: skip
    assert VenueOrderLine.objects.count() == 10


def test_a_cancel_racing_itself_gives_the_stock_back_once(world):
    order = _order(world, world.guest, (world.water, 3))
    outcomes = race([lambda: order_cancel(user=world.guest, event_id=world.event.id, order_id=order.id)] * 8)
    assert outcomes == Counter({"ok": 8})
    assert MenuVariant.objects.get(id=world.water.id).stock == 5


def test_one_guest_paying_credits_for_two_orders_at_once_pays_for_one_and_the_other_takes_no_stock(world):
    promo_grant(user=world.guest, amount=Decimal("900.00"), expires_at=timezone.now() + timedelta(days=1), key="race")
    calls = [
        lambda: order_place(
            user=world.guest,
            event_id=world.event.id,
            counter_id=world.counter.id,
            lines=[LineInput(variant_id=world.tee.id, quantity=1)],  # 799.00 + 95.88 GST
            payment_method="credits",
        )
    ] * 2
    assert race(calls) == Counter({"ok": 1, "INSUFFICIENT_CREDITS": 1})
    assert MenuVariant.objects.get(id=world.tee.id).stock == 2
    assert credit_balance(world.guest) == Decimal("5.12")
    assert VenueOrder.objects.count() == 1
