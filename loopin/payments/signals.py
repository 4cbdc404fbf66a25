"""Money domain events. Sent after commit with ids only (see loopin.events.signals for the helper)."""

from django.dispatch import Signal

payment_succeeded = Signal()  # order_id: the order is paid and its ticket issued
payment_failed = Signal()  # order_id
refund_processed = Signal()  # refund_id: the provider confirmed the refund
payout_status_changed = Signal()  # payout_id, old, new
