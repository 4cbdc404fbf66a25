"""Paying for a marketplace order through the payment interface: by card (a Charge of purpose `marketplace`,
reference the order, for the order's total: the price and the platform fee) or with LoopPay credits (one spend,
key `marketplace:<order id>`, in the same transaction as the order being paid).

The card handler runs exactly once when the provider confirms; when the listing can no longer be sold to this
buyer (their hold lapsed and someone else holds it, or it was taken down) it refuses and the payments layer
refunds the charge in full.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.core.errors import Conflict, NotFound
from loopin.looppay.spending import spend
from loopin.marketplace.error_codes import MarketplaceErrorCode
from loopin.marketplace.models import OrderStatus
from loopin.marketplace.selectors import order_data
from loopin.marketplace.services.orders import my_order_locked, order_paid
from loopin.payments.charge_models import Charge
from loopin.payments.charge_purposes import ChargePurpose
from loopin.payments.charge_selectors import charge_data
from loopin.payments.services.charges import charge_create

MARKETPLACE = "marketplace"
Method = Literal["card", "credits"]


def marketplace_order_pay(
    *, buyer: User, order_id: uuid.UUID, method: Method, provider: str | None = None
) -> dict[str, Any]:
    """Pay a held order: by card (a checkout to complete; paid when the provider confirms) or with credits
    (paid at once). Answers the order and, for a card, the payment to complete."""
    with transaction.atomic():
        order = my_order_locked(buyer, order_id)
        if order.buyer_id != buyer.id:
            raise NotFound(code=MarketplaceErrorCode.MARKET_ORDER_NOT_FOUND)
        if order.status != OrderStatus.PENDING or (
            order.hold_expires_at is not None and order.hold_expires_at <= timezone.now()
        ):
            raise Conflict(code=MarketplaceErrorCode.MARKET_ORDER_NOT_PENDING)
        if method == "credits":
            entry = spend(
                user=buyer,
                amount=order.total,
                key=f"{MARKETPLACE}:{order.id}",
                purpose=MARKETPLACE,
                reference=order.id,
                memo=order.listing.title[:100],
            )
            paid = order_paid(order_id=order.id, payment_reference=f"credits:{entry.id}")
            return {"order": order_data(paid), "payment": None}
    charge = charge_create(
        user=buyer,
        purpose=MARKETPLACE,
        reference=order.id,
        amount=order.total,
        description=order.listing.title[:100],
        currency=order.currency,
        provider=provider,
    )
    return {"order": order_data(order), "payment": charge_data(charge)}


def order_paid_by_card(charge: Charge) -> str:
    """The provider confirmed an order's card payment (once): the listing is sold, or the charge is refunded."""
    reference = f"charge:{charge.id}"
    order = order_paid(order_id=uuid.UUID(charge.reference), payment_reference=reference)
    if order.payment_reference != reference:  # already paid another way (credits): this payment is refunded
        raise Conflict("The order was already paid.", code=MarketplaceErrorCode.MARKET_ORDER_NOT_PENDING)
    return f"marketplace order {order.id} paid"


PURPOSE = ChargePurpose(name=MARKETPLACE, on_paid=order_paid_by_card)
