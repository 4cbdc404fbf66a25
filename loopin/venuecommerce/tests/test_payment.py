"""Paying for orders: credits are spent with the order (all or nothing), a card order waits for the provider's
confirmation (handled once), and a cancel refunds the way it was paid, once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loopin.core.errors import LoopinError
from loopin.looppay.promotions import promo_grant
from loopin.looppay.selectors import credit_balance
from loopin.payments.charge_models import Charge, ChargeRefund
from loopin.payments.money import to_minor
from loopin.payments.services.charges import charge_confirm, charge_fail
from loopin.venuecommerce.models import MenuVariant, VenueOrder
from loopin.venuecommerce.services.orders import LineInput, order_place
from loopin.venuecommerce.services.transitions import order_cancel, order_transition, orders_expire_unpaid


def _credit(user, amount: str) -> None:
    promo_grant(user=user, amount=Decimal(amount), expires_at=timezone.now() + timedelta(days=30), key=f"t:{user.pk}")


def _place(world, method, *lines, tip="0"):
    return order_place(
        user=world.guest,
        event_id=world.event.id,
        counter_id=world.counter.id,
        lines=[LineInput(variant_id=v.id, quantity=q) for v, q in lines],
        payment_method=method,
        tip=Decimal(tip),
    )


def _confirm(charge: Charge) -> Charge:
    """What the sandbox provider's "paid" webhook says about the charge."""
    return charge_confirm(
        charge_id=charge.id,
        payment_id=f"pay_{charge.id.hex}",
        provider=charge.provider,
        amount_minor=to_minor(charge.amount, charge.currency),
        currency=charge.currency,
    )


def test_credits_pay_at_once_with_tax_and_tip_and_the_order_is_placed(world):
    _credit(world.guest, "2000.00")
    order = _place(world, "credits", (world.chai, 2), (world.tee, 1), tip="30")
    # chai 80.00 + 4.00 GST; tee 799.00 + 95.88 GST; tip 30
    assert (order.status, order.subtotal, order.tax_total, order.tip, order.total) == (
        "placed", Decimal("879.00"), Decimal("99.88"), Decimal("30.00"), Decimal("1008.88"),
    )  # fmt: skip
    assert [(li.item_name, li.net, li.tax) for li in order.lines.order_by("item_name")] == [
        ("Masala chai", Decimal("80.00"), Decimal("4.00")), ("Tour tee", Decimal("799.00"), Decimal("95.88")),
    ]  # fmt: skip
    assert credit_balance(world.guest) == Decimal("991.12")


def test_short_credit_refuses_the_order_and_takes_no_stock(world):
    _credit(world.guest, "100.00")
    with pytest.raises(LoopinError) as exc:
        _place(world, "credits", (world.tee, 1))
    assert exc.value.code == "INSUFFICIENT_CREDITS"
    assert (VenueOrder.objects.count(), MenuVariant.objects.get(id=world.tee.id).stock) == (0, 3)
    assert credit_balance(world.guest) == Decimal("100.00")


def test_cancelling_a_credit_order_gives_the_credits_and_the_stock_back_once(world):
    _credit(world.guest, "1000.00")
    order = _place(world, "credits", (world.tee, 1))
    order_cancel(user=world.guest, event_id=world.event.id, order_id=order.id)
    order_cancel(user=world.guest, event_id=world.event.id, order_id=order.id)
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("cancelled", order.total)
    assert credit_balance(world.guest) == Decimal("1000.00")
    assert MenuVariant.objects.get(id=world.tee.id).stock == 3


def test_a_card_order_waits_for_the_provider_then_is_placed_once(world):
    order = _place(world, "card", (world.chai, 1))
    assert (order.status, order.checkout["charge_id"]) == ("awaiting_payment", order.payment_reference)
    charge = Charge.objects.get(id=order.payment_reference)
    assert (charge.purpose, charge.reference, charge.amount) == ("concessions", str(order.id), Decimal("42.00"))
    _confirm(charge)
    _confirm(charge)  # the webhook again
    order.refresh_from_db()
    assert (order.status, order.paid_at is not None) == ("placed", True)


def test_staff_cancelling_a_paid_card_order_refunds_the_charge_once(world):
    order = _place(world, "card", (world.chai, 1))
    _confirm(Charge.objects.get(id=order.payment_reference))
    order_transition(user=world.owner, venue_id=world.venue.id, order_id=order.id, to="accepted")
    order_transition(user=world.owner, venue_id=world.venue.id, order_id=order.id, to="cancelled", reason="out of milk")
    order_transition(user=world.owner, venue_id=world.venue.id, order_id=order.id, to="cancelled")
    refunds = list(ChargeRefund.objects.values_list("amount", "idempotency_key"))
    assert refunds == [(Decimal("42.00"), f"venue-order-cancel:{order.id}")]


def test_a_failed_card_payment_cancels_the_order_and_returns_its_stock(world):
    order = _place(world, "card", (world.tee, 2))
    assert MenuVariant.objects.get(id=world.tee.id).stock == 1
    charge_fail(charge_id=order.payment_reference, reason="card declined")
    order.refresh_from_db()
    assert (order.status, order.cancelled_by) == ("cancelled", "system")
    assert MenuVariant.objects.get(id=world.tee.id).stock == 3


def test_a_payment_arriving_after_the_unpaid_order_expired_is_refunded_in_full(world):
    order = _place(world, "card", (world.chai, 1))
    VenueOrder.objects.filter(id=order.id).update(created_at=timezone.now() - timedelta(minutes=16))
    assert orders_expire_unpaid() == 1
    charge = _confirm(Charge.objects.get(id=order.payment_reference))
    order.refresh_from_db()
    assert (order.status, order.paid_at) == ("cancelled", None)
    assert (charge.status, charge.amount_refunded) == ("refunded", Decimal("42.00"))
