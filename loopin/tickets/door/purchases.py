"""Whether a purchased ticket's order is paid: payments answers, tickets asks (payments imports tickets).

    register_purchase_check(ticket_order_paid)   # payments.apps.ready(): (ticket_id) -> bool

With no check registered (payments not installed) no purchase counts as paid.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

PurchaseCheck = Callable[[uuid.UUID], bool]


@dataclass
class _Registry:
    check: PurchaseCheck | None = None


_registry = _Registry()


def register_purchase_check(check: PurchaseCheck) -> None:
    _registry.check = check


def purchase_paid(ticket_id: uuid.UUID) -> bool:
    check = _registry.check
    return check(ticket_id) if check else False
