"""The block rule at events: a person and an event's host never meet there when either blocked the other.

The host of a personal event is its person. On an organisation's event the host, for a block, is every member
whose role holds `decide` now (owner, admin, manager, agent: the ones who answer requests, invite and talk to the
guests; `host_power_holders`): a block between a guest and any of them keeps the guest from joining, takes them out
of the guest list export and the event's chat, and ends pending invitations and requests between them. A door-role
member and a former member (the creator once gone included) are not the host for this, as for every other power.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.db.models import QuerySet

from loopin.accounts.models import User
from loopin.events.models import Event
from loopin.events.selectors.access import HostPower, host_power_holders
from loopin.people.selectors import exclude_blocked_with_any, is_blocked_with_any

BLOCK_POWER: HostPower = "decide"

_QS = TypeVar("_QS", bound=QuerySet[Any, Any])


def block_hosts(event: Event) -> set[uuid.UUID]:
    """Who is the event's host for a block (see the module's rule)."""
    return host_power_holders(event, BLOCK_POWER)


def blocked_with_host(user: User | uuid.UUID, event: Event) -> bool:
    """Whether `user` and the event's host (any of `block_hosts`) blocked each other, either way."""
    return is_blocked_with_any(user, block_hosts(event))


def exclude_blocked_with_host(queryset: _QS, event: Event, *, field: str = "user_id") -> _QS:
    """`queryset` without the rows whose `field` (a user id) is blocked either way with the event's host."""
    return exclude_blocked_with_any(queryset, block_hosts(event), field=field)
