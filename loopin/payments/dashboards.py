"""Payments' admin dashboard panel: tickets sold and revenue per day."""

from __future__ import annotations

from decimal import Decimal

from loopin.payments.models import SETTLED, Order, Refund, RefundStatus
from loopin.staff.dashboards import (
    BarChart,
    Block,
    Panel,
    Period,
    Series,
    Stats,
    daily_counts,
    daily_sums,
    money_text,
    register_panel,
)


def sales_panel(period: Period) -> list[Block]:
    paid = Order.objects.filter(status__in=SETTLED)
    sold = daily_counts(paid, "paid_at", period)
    revenue = daily_sums(paid, "paid_at", "total", period)
    fees = daily_sums(paid, "paid_at", "fee_amount", period)
    refunds = daily_sums(Refund.objects.exclude(status=RefundStatus.FAILED), "created_at", "amount", period)
    return [
        Stats(
            [
                ("Tickets sold", sum(sold)),
                ("Revenue", money_text(sum(revenue, Decimal(0)))),
                ("Platform fees", money_text(sum(fees, Decimal(0)))),
                ("Refunded", money_text(sum(refunds, Decimal(0)))),
            ]
        ),
        BarChart(labels=period.labels(), series=[Series("Tickets sold", sold)]),
        BarChart(labels=period.labels(), series=[Series("Revenue", revenue), Series("Refunds", refunds)]),
    ]


def register_payment_panels() -> None:
    register_panel(
        Panel(
            key="payments.sales",
            title="Tickets sold and revenue",
            build=sales_panel,
            permission="payments.view_order",
            order=300,
            description="Paid orders per day by payment time (display time zone); revenue includes the fee.",
        )
    )
