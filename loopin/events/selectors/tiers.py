"""Reads of an event's ticket tiers as the caller may see them (the shapes: `schemas.TierOut.from_model`)."""

from __future__ import annotations

import uuid

from django.utils import timezone

from loopin.events.models import Event, TicketTier, TierVisibility
from loopin.events.schemas import TierOut


def tiers_for(event: Event, *, manager: bool = False, unlocked_ids: set[uuid.UUID] | None = None) -> list[TierOut]:
    """The event's tiers in their order: every one to its host; public and unlocked ones to everyone else.
    A read: the default tier exists from the event's first save (events.receivers), so nothing is made here."""
    now = timezone.now()
    unlocked_ids = unlocked_ids or set()
    out = []
    for tier in TicketTier.objects.filter(event_id=event.id):
        unlocked = manager or tier.id in unlocked_ids
        if tier.visibility == TierVisibility.HIDDEN and not unlocked:
            continue
        out.append(TierOut.from_model(tier, event, now=now, unlocked=unlocked, manager=manager))
    return out
