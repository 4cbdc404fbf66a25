"""The tickets domain's part in account deletion and data export (see loopin.core.hooks)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from loopin.tickets.models import DoorStaff, Scan

if TYPE_CHECKING:
    from loopin.accounts.models import User


def export_checkins(user: User) -> dict[str, list[dict[str, Any]]]:
    """The scans of the user's tickets at the door, and the events where they are door staff."""
    scans = Scan.objects.filter(ticket__user=user).order_by("scanned_at", "id")
    duties = DoorStaff.objects.filter(user=user).order_by("created_at")
    return {
        "check_ins": [
            {
                "ticket_id": str(s.ticket_id),
                "event_id": str(s.event_id),
                "direction": s.direction,
                "result": s.result,
                "scanned_at": s.scanned_at.isoformat(),
            }
            for s in scans
        ],
        "door_staff_of": [{"event_id": str(d.event_id), "since": d.created_at.isoformat()} for d in duties],
    }


def erase_door_duties(user: User) -> None:
    """A deleted account stops being door staff anywhere (their past scans stay, for the events' records)."""
    DoorStaff.objects.filter(user=user).delete()
