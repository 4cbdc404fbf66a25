"""What payments does when other domains' events happen."""

from __future__ import annotations

from typing import Any


def on_event_status_changed(sender: Any, *, event_id: Any, new: str, **kwargs: Any) -> None:
    """A cancelled event's paid orders are refunded in a task (the signal is sent after commit)."""
    if new != "cancelled":
        return
    from loopin.payments.models import Order
    from loopin.payments.tasks import refund_cancelled_event

    if Order.objects.filter(event_id=event_id).exists():
        refund_cancelled_event.delay(str(event_id))
