"""What the door does when events change (connected in TicketsConfig.ready; receivers get ids)."""

from __future__ import annotations

import uuid
from typing import Any

from loopin.tickets.door.schedule import checkin_reschedule


def on_event_rescheduled(
    sender: Any, event_id: uuid.UUID, changes: dict[str, Any] | None = None, new: str | None = None, **kwargs: Any
) -> None:
    """A moved event announces its check-in again when the new window opens."""
    if changes is not None and "start_at" not in changes:
        return
    if changes is None and new != "postponed":
        return
    checkin_reschedule(event_id=event_id)
