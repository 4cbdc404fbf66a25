"""Money arithmetic: Decimal only, rounded half-up to the currency's minor unit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# Digits after the point per currency (ISO 4217 minor units); anything not listed has 2.
MINOR_DIGITS = {"INR": 2, "USD": 2, "EUR": 2, "GBP": 2, "SGD": 2, "AED": 2, "JPY": 0, "KRW": 0}


def minor_digits(currency: str) -> int:
    return MINOR_DIGITS.get(currency.upper(), 2)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round to the currency's minor unit, half up (0.005 INR -> 0.01)."""
    return Decimal(amount).quantize(Decimal(1).scaleb(-minor_digits(currency)), rounding=ROUND_HALF_UP)


def to_minor(amount: Decimal, currency: str) -> int:
    """499.00 INR -> 49900 (paise); 1000 JPY -> 1000."""
    return int(quantize(amount, currency).scaleb(minor_digits(currency)))


def from_minor(value: int, currency: str) -> Decimal:
    return quantize(Decimal(value).scaleb(-minor_digits(currency)), currency)


@dataclass(frozen=True)
class Price:
    """The snapshot an order stores: the buyer pays `unit_total` per seat; the host earns the base."""

    currency: str
    base_price: Decimal
    fee_percent: Decimal
    seats: int
    unit_total: Decimal
    fee_amount: Decimal
    host_earning: Decimal
    total: Decimal


def price(*, base: Decimal, fee_percent: Decimal, seats: int, currency: str) -> Price:
    """base × (1 + fee) per seat, rounded to the minor unit; then times the seats."""
    base = quantize(base, currency)
    unit_total = quantize(base * (1 + Decimal(fee_percent) / 100), currency)
    return Price(
        currency=currency.upper(),
        base_price=base,
        fee_percent=Decimal(fee_percent),
        seats=seats,
        unit_total=unit_total,
        fee_amount=(unit_total - base) * seats,
        host_earning=base * seats,
        total=unit_total * seats,
    )
