"""Who may do what in an organisation: the one table.

Every check reads it: `Organisation.objects.for_member(user, action)` (the organisations a person may act on)
and `loopin.organisations.selectors.organisation_allows(user, org, action)` (one organisation). A role is held
once accepted and until removed; nothing caches it beyond the query that reads it, so a removal acts at once.
"""

from __future__ import annotations

from typing import Literal

from django.db import models


class OrgRole(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    AGENT = "agent", "Agent"
    DOOR = "door", "Door"


OrgAction = Literal[
    "view",  # the members list and the organisation's private fields
    "edit_organisation",  # name, handle, description, city, logo, GSTIN and legal name
    "events",  # create and edit the organisation's events
    "requests",  # decide join requests, send invitations and invite links
    "guest_phones",  # see guests' phone numbers
    "door",  # scan tickets at the door
    "money",  # see sales, earnings and bank accounts
    "payouts",  # request payouts, change bank accounts
    "members",  # invite, change roles of and remove members (never the owner)
    "transfer",  # hand the organisation to another member
    "delete",  # delete the organisation
]
R = OrgRole
EVERYONE = frozenset(OrgRole.values)

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "view": EVERYONE,
    "edit_organisation": frozenset({R.OWNER, R.ADMIN}),
    "events": frozenset({R.OWNER, R.ADMIN, R.MANAGER}),
    "requests": frozenset({R.OWNER, R.ADMIN, R.MANAGER, R.AGENT}),
    "guest_phones": frozenset({R.OWNER, R.ADMIN, R.MANAGER}),
    "door": frozenset({R.OWNER, R.ADMIN, R.MANAGER, R.DOOR}),
    "money": frozenset({R.OWNER, R.ADMIN}),
    "payouts": frozenset({R.OWNER, R.ADMIN}),
    "members": frozenset({R.OWNER, R.ADMIN}),
    "transfer": frozenset({R.OWNER}),
    "delete": frozenset({R.OWNER}),
}


def role_may(role: str | None, action: OrgAction) -> bool:
    """Whether a role (None: no membership) allows the action."""
    return role is not None and role in ROLE_ACTIONS[action]


def actions_of(role: str | None) -> list[str]:
    """Every action a role allows, in the table's order (what the API shows a member)."""
    return [action for action, roles in ROLE_ACTIONS.items() if role is not None and role in roles]
