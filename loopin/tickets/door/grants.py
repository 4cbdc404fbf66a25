"""Who else may work an event's door: other packages' rules, registered here (tickets imports none of them).

`door_event` asks the host, the event's door staff and accepted co-hosts first, then each registered grant:

    register_door_grant(venue_door_may)   # venuecommerce.apps.ready(): (user, event) -> bool

A grant answers whether `user` may scan and check guests in at `event`; it audits any staff power it used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from loopin.accounts.models import User

DoorGrant = Callable[[Any, Any], bool]
_GRANTS: list[DoorGrant] = []


def register_door_grant(grant: DoorGrant) -> None:
    """Add a rule that lets more people work a door (idempotent)."""
    if grant not in _GRANTS:
        _GRANTS.append(grant)


def door_granted(user: User, event: Any) -> bool:
    return any(grant(user, event) for grant in _GRANTS)
