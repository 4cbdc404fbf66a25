"""The HTML pages a buyer's browser sees on our side of a payment: PayU's return page and the sandbox
checkout. Each function only renders a template (payments/templates/payments/); what a page shows is read by
a selector or returned by a service, before."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from loopin.payments.charge_models import CHARGE_SETTLED, Charge
from loopin.payments.models import Order, OrderStatus


def payu_return_page(paid_for: Order | Charge | None) -> str:
    """The page PayU's surl/furl POST answers with: paid or not, and the ticket order's or the charge's status
    ("unknown" without one)."""
    if isinstance(paid_for, Charge):
        context = {"paid": paid_for.status in CHARGE_SETTLED, "status": paid_for.status, "ticket": False,
                   "description": paid_for.description}  # fmt: skip
    else:
        status = paid_for.status if paid_for else "unknown"
        context = {"paid": status == OrderStatus.PAID, "status": status, "ticket": True}
    return render_to_string("payments/payu_return.html", context)


def sandbox_checkout_page(context: dict[str, Any]) -> str:
    """The sandbox provider's checkout page (context: `selectors.sandbox_checkout_context`)."""
    return render_to_string("payments/sandbox_checkout.html", context)
