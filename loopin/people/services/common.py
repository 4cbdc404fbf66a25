"""What every graph write starts with: the other person, and a lock on the pair."""

from __future__ import annotations

import uuid

from loopin.accounts.models import User
from loopin.core.errors import BusinessRuleError
from loopin.people.error_codes import PeopleErrorCode
from loopin.people.errors import PersonNotFound
from loopin.people.selectors import is_blocked_between


def lock_pair(me: User, other_id: uuid.UUID, *, allow_blocked: bool = False) -> User:
    """Lock both people's rows (in id order, so two writers never deadlock) and return the other one.

    Every write to the edges between two people takes this lock first, so a request, an accept and a
    block between the same two people run one after the other (on SQLite the IMMEDIATE transaction
    already serialises writers). Unknown, deleted or suspended people are 404; so is a person blocked
    either way, unless `allow_blocked` (unblocking).
    """
    if other_id == me.pk:
        raise BusinessRuleError("That is you.", code=PeopleErrorCode.SELF)
    rows = {u.pk: u for u in User.objects.select_for_update().filter(pk__in=[me.pk, other_id]).order_by("pk")}
    other = rows.get(other_id)
    if other is None or not (other.is_active and other.deleted_at is None and not other.is_suspended):
        raise PersonNotFound()
    if not allow_blocked and is_blocked_between(me.pk, other_id):
        raise PersonNotFound()
    return other
