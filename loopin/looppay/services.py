"""LoopPay's writes, by sub-domain: `ledger.post` (the one posting service), `spending` (spend, refund_spend),
`topups`, `transfers`, `promotions`, `adjustments`, `reconciliation`. Here: the HTTP layer's write-then-read."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from loopin.looppay.selectors import transfer_data
from loopin.looppay.tickets import order_pay_with_credits
from loopin.looppay.topups import topup_start
from loopin.looppay.transfers import transfer_send
from loopin.payments.charge_selectors import charge_data
from loopin.payments.schemas import OrderOut
from loopin.payments.selectors import order_data

if TYPE_CHECKING:
    from loopin.accounts.models import User


def topup_start_and_read(*, user: User, amount: Any, provider: str | None) -> dict[str, Any]:
    """Open a top-up's card payment, then read it as its buyer sees it."""
    return charge_data(topup_start(user=user, amount=amount, provider=provider))


def transfer_send_and_read(
    *, user: User, recipient_id: uuid.UUID, amount: Any, idempotency_key: str, note: str
) -> dict[str, Any]:
    """Send credits, then read the transfer as its sender sees it."""
    entry = transfer_send(
        user=user, recipient_id=recipient_id, amount=amount, idempotency_key=idempotency_key, note=note
    )
    return transfer_data(entry, user=user)


def order_pay_with_credits_and_read(*, user: User, order_id: uuid.UUID, credits: Any = None) -> OrderOut:
    """Pay a pending ticket order with credits (in full, or `credits` of it), then read it as its buyer sees it."""
    return order_data(order_pay_with_credits(user=user, order_id=order_id, credits=credits), viewer=user)
