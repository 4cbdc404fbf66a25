"""How an order's money moves: LoopPay credits and cards (a `Charge` through the payment providers), and refunds
of either. Functions here only move money and return a reference; the order's state is `services.transitions`'.

- **Credits**: `spend` inside the order's transaction (idempotent under `venue-order:<id>`), so the order and its
  payment commit or roll back together; short credit is 409 INSUFFICIENT_CREDITS and nothing is written.
- **Card**: after the order (awaiting payment) commits, a `Charge` for purpose `concessions` and the order's id
  opens the provider's checkout. The provider's confirmation (webhook, client verify or the reconcile sweep) calls
  `order_paid_by_card` exactly once; an order cancelled meanwhile refuses it, and payments refunds the charge in
  full. A failed or given-up charge cancels the unpaid order (`order_card_failed`).
- **Refunds** go back the way the order was paid, once per order (`venue-order-cancel:<id>`).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from loopin.looppay.spending import refund_spend, spend
from loopin.payments.services.charges import charge_create, charge_refund
from loopin.venuecommerce.models import PaymentMethod, VenueOrder

if TYPE_CHECKING:
    from loopin.accounts.models import User

PURPOSE = "concessions"


def _spend_key(order: VenueOrder) -> str:
    return f"venue-order:{order.id}"


def credits_charge(order: VenueOrder) -> str:
    """Spend the guest's credits on the order (inside its transaction); the journal entry's id."""
    entry = spend(
        user=order.user, amount=order.total, key=_spend_key(order), purpose=PURPOSE, reference=order.id,
        memo=f"Order {order.code}",
    )  # fmt: skip
    return str(entry.id)


def card_checkout(order: VenueOrder) -> tuple[str, dict[str, Any]]:
    """Open the card payment for an order awaiting it (outside any transaction): the charge's id and checkout."""
    charge = charge_create(
        user=order.user,
        purpose=PURPOSE,
        reference=order.id,
        amount=order.total,
        description=f"Loopin order {order.code}",
        currency=order.currency,
    )
    return str(charge.id), {"charge_id": str(charge.id), **(charge.checkout or {})}


def refund(order: VenueOrder, *, amount: Decimal, actor: User | None) -> str:
    """Give back `amount` of what the order was paid, the way it was paid (once per order); the refund's id."""
    key = f"venue-order-cancel:{order.id}"
    if order.payment_method == PaymentMethod.CREDITS:
        entry = refund_spend(key=_spend_key(order), amount=amount, refund_key=key, memo=f"Order {order.code}",
                             created_by=actor)  # fmt: skip
        return str(entry.id)
    done = charge_refund(
        charge_id=uuid.UUID(order.payment_reference), amount=amount, reason="venue_order_cancelled", actor=actor,
        idempotency_key=key,
    )  # fmt: skip
    return str(done.id)
