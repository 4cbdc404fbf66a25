"""Paying a ticket order with LoopPay credits (in full), and its refunds going back as credits.

The buyer opens the order as usual (`POST /api/v2/payments/orders`: seats held, a pending order), then pays it with
credits: `order_pay_with_credits` spends the order's total under `ticket-order:<order id>` and confirms the order
through payments' own `payment_confirm` in the same transaction, with `provider_payment_id = "looppay:<entry>"`:
the ticket is issued once, and the spend and the ticket commit or roll back together. Only a pending order whose
seats are still held can be paid this way (so the ticket is always issued; nothing is paid for a lost seat).
Refunds of such an order (attendee cancel, host or staff refund, cancelled event) take payments' usual path; the
refund route registered for `looppay:` returns the refunded part as credits, once per refund key.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction

from loopin.core.errors import BusinessRuleError, NotFound
from loopin.looppay.spending import refund_spend, spend
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.models import Order, OrderStatus
from loopin.payments.money import from_minor, to_minor
from loopin.payments.providers.base import RefundState
from loopin.payments.services.confirmation import payment_confirm

PREFIX = "looppay:"


def _key(order_id: Any) -> str:
    return f"ticket-order:{order_id}"


def order_pay_with_credits(*, user: Any, order_id: uuid.UUID) -> Order:
    """Pay the caller's pending order in full with credits; the ticket is issued at once."""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(id=order_id, user=user).first()
        if order is None:
            raise NotFound("Order not found.", code=PaymentErrorCode.ORDER_NOT_FOUND)
        if order.status != OrderStatus.PENDING or not order.seats_held:
            if order.provider_payment_id.startswith(PREFIX):
                return order  # paid with credits already: a retry
            raise BusinessRuleError(
                f"This order is {order.status}; only a pending order can be paid.",
                code=PaymentErrorCode.ORDER_NOT_CANCELLABLE,
            )
        entry = spend(user=user, amount=order.total, key=_key(order.id), purpose="tickets", reference=order.id)
        return payment_confirm(
            order_id=order.id,
            payment_id=f"{PREFIX}{entry.id}",
            provider=order.provider,
            amount_minor=to_minor(order.total, order.currency),
            currency=order.currency,
            via="looppay",
        )


def ticket_refund_to_credits(order: Any, *, amount_minor: int, idempotency_key: str) -> RefundState:
    """The refund route of credit-paid orders: the refunded part back as credits (once per refund key)."""
    entry = refund_spend(
        key=_key(order.id),
        amount=from_minor(amount_minor, order.currency),
        refund_key=f"order-refund:{idempotency_key}",
    )
    return RefundState(provider_refund_id=f"{PREFIX}{entry.id}", state="processed")
