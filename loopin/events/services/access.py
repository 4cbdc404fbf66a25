"""The write side of `events.selectors.access`: the same checks, with a staff member's use of a host power recorded
in the audit log (`staff.event_access`, the staff member as actor, the host as subject).

Services that act on an event as its manager call `ensure_can_manage_and_audit` (or `event_for_edit`) inside their
transaction; an endpoint whose read a staff member may make on their permissions alone (a guest list, the requests)
calls a read-then-record function that runs the selector and then `staff_read_audit`. Selectors only check.
"""

from __future__ import annotations

import uuid

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import Event, EventStatus
from loopin.events.selectors.access import (
    STAFF_PERMISSIONS,
    EventAction,
    acts_on_staff_power,
    event_for,
    manage_access,
)


def staff_access_record(*, user: User, event: Event, action: EventAction) -> None:
    """One staff use of a host power on `event`."""
    audit_record(
        action="staff.event_access",
        actor=user,
        obj=event,
        subject=event.host,
        data={"action": action, "permissions": list(STAFF_PERMISSIONS[action])},
    )


def ensure_can_manage_and_audit(user: User, event: Event, action: EventAction = "change") -> None:
    """`ensure_can_manage`, and a staff member's use of the power audited in the caller's transaction."""
    if manage_access(user, event, action) == "staff":
        staff_access_record(user=user, event=event, action=action)


def staff_read_audit(*, user: User, event_id: uuid.UUID, action: EventAction) -> None:
    """After a managed read has let the caller in: record it when they read on a staff permission alone (no query
    for a caller who is not staff)."""
    if not user.is_staff:
        return
    event = Event.objects.select_related("host", "organisation").get(id=event_id)
    if acts_on_staff_power(user, event, action):
        staff_access_record(user=user, event=event, action=action)


def event_for_edit(actor: User, event_id: uuid.UUID, *, lock: bool = True) -> Event:
    """The event as `actor` may change it (details, tiers, questions, codes): managed by them (a staff change
    audited), and neither completed nor cancelled (400 EVENT_CLOSED)."""
    event = event_for(actor, event_id, lock=lock)
    ensure_can_manage_and_audit(actor, event)
    if event.status in (EventStatus.COMPLETED, EventStatus.CANCELLED):
        raise BusinessRuleError(f"A {event.status} event cannot be edited.", code=EventErrorCode.EVENT_CLOSED)
    return event
