"""Demo organisation for `make run`: Aarav (the first demo host) owns "Koramangala Social Club", Kabir manages
it and Meera works its door. Idempotent."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from loopin.organisations.models import Membership, Organisation
from loopin.organisations.permissions import OrgRole

HANDLE = "koramangalasocial"


def demo_organisations(hosts: list[Any]) -> dict[str, int]:
    if len(hosts) < 4:
        return {"organisations": 0}
    owner = hosts[0]
    organisation, _ = Organisation.objects.get_or_create(
        handle=HANDLE,
        defaults={
            "name": "Koramangala Social Club",
            "description": "Board-game nights, quiz nights and rooftop gigs, run by a team of four.",
            "city": "Bengaluru",
            "created_by": owner,
            "updated_by": owner,
        },
    )
    now = timezone.now()
    for user, role in [(owner, OrgRole.OWNER), (hosts[2], OrgRole.MANAGER), (hosts[3], OrgRole.DOOR)]:
        Membership.objects.get_or_create(
            organisation=organisation,
            user=user,
            removed_at=None,
            defaults={"role": role, "invited_by": owner, "accepted_at": now},
        )
    return {"organisations": Organisation.objects.alive().count()}
