"""Domain events other packages (notifications, payments) listen to. Sent only after commit.

Receivers get ids, never model instances, so they can reload fresh state (e.g. in a task).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import Signal

from loopin.core.logging import get_logger

log = get_logger("loopin.signals")

event_published = Signal()  # event_id
event_updated = Signal()  # event_id, changes: dict[field, [old, new]] (time/venue/location of a published event)
event_status_changed = Signal()  # event_id, old, new, reason
join_request_created = Signal()  # request_id
join_request_decided = Signal()  # request_id, decision: "accepted" | "declined"
invitation_created = Signal()  # invitation_id
ticket_issued = Signal()  # ticket_id
ticket_cancelled = Signal()  # ticket_id, reason


def _send(signal: Signal, kwargs: dict[str, Any]) -> None:
    for receiver, result in signal.send_robust(sender=None, **kwargs):
        if isinstance(result, Exception):
            log.error(
                "signal_receiver_failed",
                receiver=getattr(receiver, "__qualname__", str(receiver)),
                error=repr(result),
                exc_info=result,
            )


def send_after_commit(signal: Signal, **kwargs: Any) -> None:
    """Send once the surrounding transaction commits; a failing receiver is logged, never fatal."""
    transaction.on_commit(lambda: _send(signal, kwargs))
