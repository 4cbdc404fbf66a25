"""The HTML pages a buyer's browser sees on our side of a payment: PayU's return page and the sandbox
checkout. Each function only renders a template (payments/templates/payments/); what a page shows is read by
a selector or returned by a service, before."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from loopin.payments.models import Order, OrderStatus


def payu_return_page(order: Order | None) -> str:
    """The page PayU's surl/furl POST answers with: paid or not, and the order's status ("unknown" without one)."""
    status = order.status if order else "unknown"
    return render_to_string("payments/payu_return.html", {"paid": status == OrderStatus.PAID, "status": status})


def sandbox_checkout_page(context: dict[str, Any]) -> str:
    """The sandbox provider's checkout page (context: `selectors.sandbox_checkout_context`)."""
    return render_to_string("payments/sandbox_checkout.html", context)
