"""Order arithmetic: Decimal only, each line's GST rounded half up to the paisa on its own, then summed.

Prices are before GST. A line's tax is `net × rate / 100` rounded on that line (what a GST invoice shows per
line); the order's tax is the sum of its lines'. A tip carries no GST and is added last.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from loopin.payments.money import quantize


@dataclass(frozen=True)
class Line:
    quantity: int
    unit_price: Decimal
    gst_rate: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    tax_total: Decimal
    tip: Decimal
    total: Decimal


def line_price(*, unit_price: Decimal, quantity: int, gst_rate: Decimal, currency: str = "INR") -> Line:
    net = quantize(unit_price * quantity, currency)
    tax = quantize(net * gst_rate / 100, currency)
    return Line(quantity=quantity, unit_price=unit_price, gst_rate=gst_rate, net=net, tax=tax, total=net + tax)


def order_totals(lines: list[Line], *, tip: Decimal, currency: str = "INR") -> Totals:
    subtotal = sum((line.net for line in lines), Decimal("0"))
    tax_total = sum((line.tax for line in lines), Decimal("0"))
    tip = quantize(tip, currency)
    return Totals(subtotal=subtotal, tax_total=tax_total, tip=tip, total=subtotal + tax_total + tip)
