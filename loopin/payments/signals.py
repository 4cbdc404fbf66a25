"""Money domain events. Sent after commit with ids only (see loopin.events.signals for the helper).

The `*_due` / `*_stored` signals are payments' own queue signals: services send them (after commit, or from a
sweep) and `payments.receivers` queues the Celery task, so services never import tasks (tasks import them)."""

from django.dispatch import Signal

payment_succeeded = Signal()  # order_id: the order is paid and its ticket issued
payment_failed = Signal()  # order_id
refund_processed = Signal()  # refund_id: the provider confirmed the refund
payout_status_changed = Signal()  # payout_id, old, new

payment_event_stored = Signal()  # payment_event_id: a stored webhook to apply
refund_due = Signal()  # refund_id: an order's refund to send to the provider
charge_refund_due = Signal()  # refund_id: a charge's refund to send to the provider
settlement_due = Signal()  # order_id: a paid order's transfers to post
reversal_due = Signal()  # reversal_id: a refund's part to take back from a transfer
