"""Door reads that write an audit row: a staff member looking at an event's door staff on their permissions alone
(`staff.event_access`). The selector reads; this records the look."""

from __future__ import annotations

import uuid
from typing import Any

from loopin.accounts.models import User
from loopin.events.services.access import staff_read_audit
from loopin.tickets.selectors import door_staff_list


def door_staff_list_and_audit(*, user: User, event_id: uuid.UUID) -> list[dict[str, Any]]:
    """`selectors.door_staff_list`; a staff read is audited."""
    staff = door_staff_list(user=user, event_id=event_id)
    staff_read_audit(user=user, event_id=event_id, action="door")
    return staff
