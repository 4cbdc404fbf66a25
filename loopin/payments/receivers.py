"""What payments does when its own queue signals or other domains' events arrive (connected in
PaymentsConfig.ready): each queues one Celery task, so services never import tasks."""

from __future__ import annotations

import uuid
from typing import Any

from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from loopin.core.logging import get_logger
from loopin.events.signals import event_status_changed
from loopin.payments import tasks
from loopin.payments.models import Order
from loopin.payments.signals import (
    charge_refund_due,
    payment_event_stored,
    refund_due,
    reversal_due,
    settlement_due,
)

log = get_logger("loopin.payments")


def on_event_status_changed(sender: Any, *, event_id: uuid.UUID, new: str, **kwargs: Any) -> None:
    """A cancelled event's paid orders are refunded in a task (the signal is sent after commit)."""
    if new != "cancelled":
        return
    if Order.objects.filter(event_id=event_id).exists():
        tasks.refund_cancelled_event.delay(str(event_id))


def on_payment_event_stored(sender: Any, *, payment_event_id: uuid.UUID, **kwargs: Any) -> None:
    """Queue one stored webhook; with the broker away it stays stored for the sweeper (never a 500)."""
    try:
        tasks.process_payment_event.delay(str(payment_event_id))
    except (KombuError, RedisError, OSError) as exc:
        log.warning("payment_event_queue_failed", payment_event_id=str(payment_event_id), error=type(exc).__name__)


def on_refund_due(sender: Any, *, refund_id: uuid.UUID, **kwargs: Any) -> None:
    tasks.submit_refund.delay(str(refund_id))


def on_charge_refund_due(sender: Any, *, refund_id: uuid.UUID, **kwargs: Any) -> None:
    tasks.submit_charge_refund.delay(str(refund_id))


def on_settlement_due(sender: Any, *, order_id: uuid.UUID, **kwargs: Any) -> None:
    tasks.settle_order.delay(str(order_id))


def on_reversal_due(sender: Any, *, reversal_id: uuid.UUID, **kwargs: Any) -> None:
    tasks.reverse_settlement.delay(str(reversal_id))


def connect() -> None:
    event_status_changed.connect(on_event_status_changed, dispatch_uid="payments.refund_cancelled_event")
    payment_event_stored.connect(on_payment_event_stored, dispatch_uid="payments.payment_event_stored")
    refund_due.connect(on_refund_due, dispatch_uid="payments.refund_due")
    charge_refund_due.connect(on_charge_refund_due, dispatch_uid="payments.charge_refund_due")
    settlement_due.connect(on_settlement_due, dispatch_uid="payments.settlement_due")
    reversal_due.connect(on_reversal_due, dispatch_uid="payments.reversal_due")
