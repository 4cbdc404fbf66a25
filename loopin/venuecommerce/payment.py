"""How an order's money moves: credits (LoopPay) and cards (the payment providers), and refunds of either.

Functions here only move money and return a reference; the order's state is the caller's
(`services.transitions`). Credits are spent inside the order's transaction, so the order and its payment commit
or roll back together. A card order waits for the provider's confirmation (`order_payment_confirmed`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from loopin.core.errors import BusinessRuleError
from loopin.venuecommerce.error_codes import VenueCommerceErrorCode
from loopin.venuecommerce.models import VenueOrder

PURPOSE = "venue_order"


def _unavailable(what: str) -> BusinessRuleError:
    return BusinessRuleError(
        f"Paying by {what} is not available on this server yet.",
        code=VenueCommerceErrorCode.PAYMENT_METHOD_UNAVAILABLE,
        details={"payment_method": what},
    )


def credits_charge(order: VenueOrder) -> str:
    """Spend the guest's credits on the order (inside its transaction); the journal entry's key."""
    raise _unavailable("credits")


def card_allowed() -> None:
    """Refuse before anything is written when no card payment can be taken."""
    raise _unavailable("card")


def card_checkout(order: VenueOrder) -> dict[str, Any]:
    """Open the provider checkout for a card order (outside any transaction)."""
    raise _unavailable("card")


def refund(order: VenueOrder, *, amount: Decimal, actor: Any) -> str:
    """Give back `amount` of what the order was paid, the way it was paid; a reference to the refund."""
    raise _unavailable(order.payment_method)
