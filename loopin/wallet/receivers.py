"""What passes do when events and tickets change (connected in WalletConfig.ready; signals after commit)."""

from __future__ import annotations

import uuid
from typing import Any

from loopin.wallet.tasks import passes_changed


def on_event_updated(sender: Any, event_id: uuid.UUID, **kwargs: Any) -> None:
    """A published event's time, place or title changed: its passes show the new ones."""
    passes_changed.delay(event_id=str(event_id))


def on_event_status_changed(sender: Any, event_id: uuid.UUID, **kwargs: Any) -> None:
    """Postponed, cancelled, back on: the passes say so (a cancelled event's passes are voided)."""
    passes_changed.delay(event_id=str(event_id))


def on_ticket_cancelled(sender: Any, ticket_id: uuid.UUID, reason: str = "", **kwargs: Any) -> None:
    """A cancelled or refunded ticket's pass is voided (an event's cancellation pushes once for all its passes)."""
    if reason != "event_cancelled":
        passes_changed.delay(ticket_id=str(ticket_id))
