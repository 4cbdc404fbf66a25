"""An order's life in one table: which state may follow which, and who may move it there.

    awaiting_payment ─(paid)→ placed → accepted → preparing → ready → delivered | picked_up
           │                    │          │          │         │
           └──────────────── cancelled (with a refund of what was paid) ───────┘

The guest cancels only before the venue accepted; venue staff cancel any time before delivery; Loopin (system)
places an order once its payment is confirmed and cancels one whose payment failed or expired. `delivered`
ends a delivery order, `picked_up` a pickup order. Anything else is 409 ORDER_INVALID_TRANSITION.
"""

from __future__ import annotations

from typing import Literal

from django.db import models


class OrderState(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", "Awaiting payment"
    PLACED = "placed", "Placed"
    ACCEPTED = "accepted", "Accepted"
    PREPARING = "preparing", "Preparing"
    READY = "ready", "Ready"
    DELIVERED = "delivered", "Delivered"
    PICKED_UP = "picked_up", "Picked up"
    CANCELLED = "cancelled", "Cancelled"


Actor = Literal["guest", "staff", "system"]
S = OrderState
GUEST, STAFF, SYSTEM = "guest", "staff", "system"

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.AWAITING_PAYMENT, S.PLACED): frozenset({SYSTEM}),
    (S.AWAITING_PAYMENT, S.CANCELLED): frozenset({GUEST, SYSTEM}),
    (S.PLACED, S.ACCEPTED): frozenset({STAFF}),
    (S.PLACED, S.CANCELLED): frozenset({GUEST, STAFF}),
    (S.ACCEPTED, S.PREPARING): frozenset({STAFF}),
    (S.ACCEPTED, S.CANCELLED): frozenset({STAFF}),
    (S.PREPARING, S.READY): frozenset({STAFF}),
    (S.PREPARING, S.CANCELLED): frozenset({STAFF}),
    (S.READY, S.DELIVERED): frozenset({STAFF}),
    (S.READY, S.PICKED_UP): frozenset({STAFF}),
    (S.READY, S.CANCELLED): frozenset({STAFF}),
}
# The end of the road depends on how the order reaches the guest.
FINISH_FOR: dict[str, str] = {S.DELIVERED: "delivery", S.PICKED_UP: "pickup"}
FINAL = frozenset({S.DELIVERED, S.PICKED_UP, S.CANCELLED})
# In the counter's queue (paid, not finished).
QUEUED = (S.PLACED, S.ACCEPTED, S.PREPARING, S.READY)


def allowed_next(state: str, *, actor: str, fulfilment: str) -> list[str]:
    """The states `actor` may move an order in `state` to (for the API's `next` and for error details)."""
    return [
        to
        for (frm, to), who in TRANSITIONS.items()
        if frm == state and actor in who and FINISH_FOR.get(to, fulfilment) == fulfilment
    ]


def may_move(state: str, to: str, *, actor: str, fulfilment: str) -> bool:
    return to in allowed_next(state, actor=actor, fulfilment=fulfilment)
