"""The tickets domain's part in data export (see loopin.core.hooks): the caller's check-ins at the door."""

from __future__ import annotations

from typing import Any

from loopin.tickets.models import Scan


def export_checkins(user: Any) -> list[dict[str, Any]]:
    scans = Scan.objects.filter(ticket__user=user).order_by("scanned_at", "id")
    return [
        {
            "ticket_id": str(s.ticket_id),
            "event_id": str(s.event_id),
            "direction": s.direction,
            "result": s.result,
            "scanned_at": s.scanned_at.isoformat(),
        }
        for s in scans
    ]
