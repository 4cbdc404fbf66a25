"""Fee arithmetic: base × (1 + fee) per seat, rounded half-up to the currency's minor unit."""

from decimal import Decimal

import pytest

from loopin.payments.money import from_minor, price, quantize, to_minor


def test_ten_percent_on_499_inr():
    p = price(base=Decimal("499.00"), fee_percent=Decimal("10"), seats=1, currency="INR")
    assert (p.unit_total, p.fee_amount, p.host_earning, p.total) == (
        Decimal("548.90"),
        Decimal("49.90"),
        Decimal("499.00"),
        Decimal("548.90"),
    )


def test_half_a_paisa_rounds_up():
    # 0.05 × 1.10 = 0.055 -> 0.06 (half up, not banker's 0.06/0.05)
    p = price(base=Decimal("0.05"), fee_percent=Decimal("10"), seats=1, currency="INR")
    assert p.unit_total == Decimal("0.06")
    assert p.fee_amount == Decimal("0.01")


def test_just_below_half_rounds_down():
    # 0.15 × 1.029 = 0.15435 -> 0.15
    p = price(base=Decimal("0.15"), fee_percent=Decimal("2.9"), seats=1, currency="INR")
    assert p.unit_total == Decimal("0.15")
    assert p.fee_amount == Decimal("0.00")


def test_rounding_is_per_seat_then_multiplied():
    p = price(base=Decimal("0.05"), fee_percent=Decimal("10"), seats=2, currency="INR")
    assert (p.unit_total, p.total, p.fee_amount, p.host_earning) == (
        Decimal("0.06"),
        Decimal("0.12"),
        Decimal("0.02"),
        Decimal("0.10"),
    )


def test_yen_has_no_minor_unit():
    p = price(base=Decimal("1005"), fee_percent=Decimal("10"), seats=1, currency="JPY")
    assert p.unit_total == Decimal("1106")  # 1105.5 rounds half up
    assert to_minor(p.total, "JPY") == 1106


def test_zero_fee_charges_the_base():
    p = price(base=Decimal("250.00"), fee_percent=Decimal("0"), seats=3, currency="USD")
    assert (p.total, p.fee_amount, p.host_earning) == (Decimal("750.00"), Decimal("0.00"), Decimal("750.00"))


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [(Decimal("548.90"), "INR", 54890), (Decimal("0.01"), "USD", 1), (Decimal("1106"), "JPY", 1106)],
)
def test_minor_units_round_trip(amount, currency, minor):
    assert to_minor(amount, currency) == minor
    assert from_minor(minor, currency) == amount


def test_quantize_half_up_at_the_edge():
    assert quantize(Decimal("2.675"), "INR") == Decimal("2.68")
    assert quantize(Decimal("2.674999"), "INR") == Decimal("2.67")
