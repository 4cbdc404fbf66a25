"""Paying a ticket order with LoopPay credits, in full or in part (the rest by card), and refunds as credits.

The buyer opens the order as usual (`POST /api/v2/payments/orders`: seats held, a pending order), then pays it with
credits (`POST /api/v2/looppay/orders/{id}/pay`):

- **In full** (no `credits`, or the total): `order_pay_with_credits` spends the order's total under
  `ticket-order:<order id>` and confirms the order through payments' own `payment_confirm` in the same transaction,
  with `provider_payment_id = "looppay:<entry>"`: the ticket is issued once, and the spend and the ticket commit or
  roll back together.
- **In part** (`credits` below the total): the credits are spent under the same key and recorded as
  `order.credits_applied`; the order stays pending and its checkout is renewed for `order.amount_due`
  (total − credits, what every provider reads). The card part confirms it through payments' usual webhook or verify
  (the ticket once). If the card part fails, the buyer gives up or the hold expires, `order_release` gives the
  credits back through the credits route (once); a card payment arriving after that issues no ticket and is refunded.

Only a pending order whose seats are still held can be paid (so nothing is paid for a lost seat).
Refunds (attendee cancel, host or staff refund, cancelled event) take payments' usual path: an order paid in full
with credits has the refund route registered for `looppay:`; an order paid in part is split card first
(`payments.services.refunds.refund_split`) and its credit part comes back through the credits route, once per key.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, NotFound
from loopin.looppay.error_codes import LoopPayErrorCode
from loopin.looppay.ledger import credit_amount
from loopin.looppay.spending import refund_spend, spend
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.models import Order, OrderStatus
from loopin.payments.money import from_minor, to_minor
from loopin.payments.providers.base import RefundState
from loopin.payments.services.confirmation import payment_confirm
from loopin.payments.services.orders import order_checkout_renew, order_release

if TYPE_CHECKING:
    from loopin.accounts.models import User

PREFIX = "looppay:"


def _key(order_id: Any) -> str:
    return f"ticket-order:{order_id}"


def _locked_order(*, user: User, order_id: uuid.UUID) -> Order:
    order = Order.objects.select_for_update().filter(id=order_id, user=user).first()
    if order is None:
        raise NotFound("Order not found.", code=PaymentErrorCode.ORDER_NOT_FOUND)
    return order


def _not_payable(order: Order) -> BusinessRuleError:
    return BusinessRuleError(
        f"This order is {order.status}; only a pending order whose seats are held can be paid.",
        code=PaymentErrorCode.ORDER_NOT_PAYABLE,
    )


def _already_applied(order: Order) -> Conflict:
    return Conflict(
        "Credits were already applied to this order: pay the rest by card, or cancel the order.",
        code=LoopPayErrorCode.CREDITS_ALREADY_APPLIED,
        details={"credits_applied": str(order.credits_applied), "amount_due": str(order.amount_due)},
    )


def order_pay_with_credits(*, user: User, order_id: uuid.UUID, credits: Any = None) -> Order:
    """Pay the caller's pending order with credits: in full (the ticket at once), or `credits` of it, rest by card."""
    order_release(order_id=order_id, reason="hold expired", due_only=True)  # a hold past its time pays nothing
    with transaction.atomic():
        order = _locked_order(user=user, order_id=order_id)
        amount = order.total if credits is None else credit_amount(credits)
        if amount > order.total:
            raise BusinessRuleError(
                "That is more credits than the order's total.",
                code=LoopPayErrorCode.CREDITS_EXCEED_TOTAL,
                details={"total": str(order.total)},
            )
        if order.credits_applied > 0:
            if amount != order.credits_applied:
                raise _already_applied(order)
            if amount == order.total:
                return order  # paid in full with credits already: a retry
            # A retry of the same part payment: the card checkout is (re)opened below.
        elif order.status != OrderStatus.PENDING or not order.seats_held:
            raise _not_payable(order)
        elif amount == order.total:
            return _pay_in_full(order)
        else:
            _apply_part(order, amount=amount)
    return order_checkout_renew(order_id=order.id)


def _pay_in_full(order: Order) -> Order:
    entry = spend(user=order.user, amount=order.total, key=_key(order.id), purpose="tickets", reference=order.id)
    order.credits_applied = order.total  # nothing is due by card; refunds come back as credits
    order.save(update_fields=["credits_applied", "updated_at"])
    return payment_confirm(
        order_id=order.id,
        payment_id=f"{PREFIX}{entry.id}",
        provider=order.provider,
        amount_minor=to_minor(order.amount_due, order.currency),
        currency=order.currency,
        via="looppay",
    )


def _apply_part(order: Order, *, amount: Decimal) -> None:
    """Spend `amount` on the locked pending order; the provider is then asked only for the rest."""
    entry = spend(user=order.user, amount=amount, key=_key(order.id), purpose="tickets", reference=order.id)
    order.credits_applied = amount
    order.save(update_fields=["credits_applied", "updated_at"])
    audit_record(
        action="order.credits_applied",
        actor=order.user,
        obj=order,
        subject=order.user,
        data={"credits": str(amount), "amount_due": str(order.amount_due), "entry_id": str(entry.id)},
    )


def ticket_refund_to_credits(order: Any, *, amount_minor: int, idempotency_key: str) -> RefundState:
    """The refund route of credit-paid orders (and of the credit part of part-paid ones): credits back, once per key."""
    entry = refund_spend(
        key=_key(order.id),
        amount=from_minor(amount_minor, order.currency),
        refund_key=f"order-refund:{idempotency_key}",
    )
    return RefundState(provider_refund_id=f"{PREFIX}{entry.id}", state="processed")
