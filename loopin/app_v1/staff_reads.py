"""The app's host reads that a staff member may make on their permissions alone, and that therefore write an audit
row (`staff.event_access`, as the designed API's reads do): `reads` reads, this records the look."""

from __future__ import annotations

from typing import Any

from loopin.accounts.models import User
from loopin.app_v1 import numbers, reads
from loopin.events.selectors.access import EventAction
from loopin.events.services.access import staff_read_audit


def _audit(user: User, event_id: int, action: EventAction) -> None:
    if user.is_staff:  # the app's event number is looked up only for staff (nobody else is audited)
        staff_read_audit(user=user, event_id=numbers.event_uuid(event_id), action=action)


def event_requests_and_audit(*, user: User, event_id: int, offset: int, limit: int) -> dict[str, Any]:
    """C13 (`reads.event_requests`); a staff read is audited."""
    out = reads.event_requests(user=user, event_id=event_id, offset=offset, limit=limit)
    _audit(user, event_id, "view_requests")
    return out


def event_invitations_and_audit(*, user: User, event_id: int, offset: int, limit: int) -> dict[str, Any]:
    """C22 (`reads.event_invitations`); a staff read is audited."""
    out = reads.event_invitations(user=user, event_id=event_id, offset=offset, limit=limit)
    _audit(user, event_id, "view_invitations")
    return out


def invite_candidates_and_audit(
    *, user: User, event_id: int, search: str | None, offset: int, limit: int
) -> dict[str, Any]:
    """C20 (`reads.invite_candidates`); a staff read is audited."""
    out = reads.invite_candidates(user=user, event_id=event_id, search=search, offset=offset, limit=limit)
    _audit(user, event_id, "invite")
    return out


def attendees_and_audit(*, user: User, event_id: int, offset: int, limit: int) -> dict[str, Any]:
    """C23 (`reads.attendees`); a staff read is audited."""
    out = reads.attendees(user=user, event_id=event_id, offset=offset, limit=limit)
    _audit(user, event_id, "view_attendees")
    return out


def check_ins_and_audit(*, user: User, event_id: int, offset: int, limit: int) -> dict[str, Any]:
    """C25 (`reads.check_ins`); a staff read is audited."""
    out = reads.check_ins(user=user, event_id=event_id, offset=offset, limit=limit)
    _audit(user, event_id, "view_attendees")
    return out
