"""Writes for payments: orders and their seat holds, confirmation (exactly once), webhooks, expiry,
reconciliation and refunds.

The rules that keep money and seats right:
- A hold is the order's seats counted in `event.seats_taken` while `order.seats_held` is true. Holds are
  taken with the events' conditional UPDATE (`seats_take`), so they can never oversell, and given back
  by a conditional UPDATE on the order (`seats_held=True -> False`), so never twice.
- Confirmation locks the order row; only a not-yet-settled order changes, so however many
  confirmations arrive (webhook, verify, reconciliation, in any order) one ticket is issued.
- An order only moves forward (`models.ORDER_RANK`): a late "failed" never undoes "paid".

One module per sub-domain; this package re-exports the public names for old imports."""

from loopin.payments.selectors import refund_cutoff
from loopin.payments.services.confirmation import order_verify, payment_confirm, payment_fail
from loopin.payments.services.orders import (
    holds_expire_due,
    order_cancel_pending,
    order_create,
    order_hold,
    order_release,
)
from loopin.payments.services.reconciliation import (
    cancelled_events_sweep,
    orders_reconcile,
    payment_events_retry,
    refunds_resubmit,
)
from loopin.payments.services.refunds import (
    _attendee_refund_amount,
    _refund_open,
    event_orders_refund,
    order_cancel,
    refund_apply_state,
    refund_create,
    refund_submit,
)
from loopin.payments.services.webhooks import payment_event_process, provider_return, webhook_receive

__all__ = [
    "_attendee_refund_amount",
    "_refund_open",
    "cancelled_events_sweep",
    "event_orders_refund",
    "holds_expire_due",
    "order_cancel",
    "order_cancel_pending",
    "order_create",
    "order_hold",
    "order_release",
    "order_verify",
    "orders_reconcile",
    "payment_confirm",
    "payment_event_process",
    "payment_events_retry",
    "payment_fail",
    "refund_apply_state",
    "refund_create",
    "refund_cutoff",
    "refund_submit",
    "refunds_resubmit",
    "provider_return",
    "webhook_receive",
]
