"""Where a paid order's refund goes when the order was not paid through a provider.

An order paid in full with LoopPay credits carries `provider_payment_id = "looppay:<entry id>"`; its refunds
must return credits, not ask the provider. The package that took the payment registers a route for its prefix
(in its AppConfig.ready), and `refund_submit` uses it instead of the provider:

    register_refund_route("looppay:", ticket_refund_to_credits)   # (order, *, amount_minor, idempotency_key)

An order paid partly with credits (`order.credits_applied`) and the rest by card has one route for its credit part,
registered the same way: `register_credits_route(ticket_refund_to_credits)`. Refunds of the credit part
(`Refund.to_credits`) and the credits given back when such an order ends unpaid (`order_release`) go through it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from loopin.payments.providers.base import RefundState

RefundRoute = Callable[..., RefundState]
_ROUTES: dict[str, RefundRoute] = {}
_CREDITS: dict[str, RefundRoute] = {}


def register_refund_route(prefix: str, route: RefundRoute) -> None:
    _ROUTES[prefix] = route


def register_credits_route(route: RefundRoute) -> None:
    _CREDITS["credits"] = route


def credits_route() -> RefundRoute:
    """The route returning the credit part of an order paid partly with credits (registered by the wallet)."""
    return _CREDITS["credits"]


def refund_route_for(order: Any) -> RefundRoute | None:
    """The route of an order paid outside the providers, or None (refund through the order's provider)."""
    payment_id = order.provider_payment_id or ""
    return next((route for prefix, route in _ROUTES.items() if payment_id.startswith(prefix)), None)
