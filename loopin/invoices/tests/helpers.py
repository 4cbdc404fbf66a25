"""Paid orders for the invoice tests, made by the payments services as a sandbox payment makes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from loopin.payments.models import Order
from loopin.payments.money import to_minor
from loopin.payments.services import order_create, payment_confirm


def confirm(order: Order) -> Order:
    """What the sandbox's "paid" webhook says about `order`."""
    return payment_confirm(
        order_id=order.id,
        payment_id=f"pay_{order.id.hex}",
        provider="sandbox",
        amount_minor=to_minor(order.total, order.currency),
        currency=order.currency,
    )


def paid_order(event: Any, buyer: Any, *, seats: int = 1, paid_at: datetime | None = None) -> Order:
    """Buy and pay; `paid_at` moves the payment time before the commit that issues the invoices."""
    with transaction.atomic():
        order = confirm(order_create(user=buyer, event_id=event.id, seats=seats, provider="sandbox"))
        if paid_at is not None:
            Order.objects.filter(id=order.id).update(paid_at=paid_at)
    return Order.objects.get(id=order.id)
