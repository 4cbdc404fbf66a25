"""Events listening to other domains (connected in EventsConfig.ready)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models.signals import post_save

from loopin.events.models import Event, TicketTier
from loopin.events.services.blocks import event_ties_end
from loopin.events.tiers import default_tier, default_tier_price
from loopin.people import signals as people_signals


def _on_user_blocked(sender: Any, blocker_id: uuid.UUID, blocked_id: uuid.UUID, **kwargs: Any) -> None:
    event_ties_end(blocker_id=blocker_id, blocked_id=blocked_id)


def _on_event_saved(sender: Any, instance: Event, created: bool, raw: bool = False, **kwargs: Any) -> None:
    # Every event sells through tiers: a new one gets its default tier; the event's price (both dialects edit
    # it, and it is locked once seats are taken) is the default tier's.
    if raw:
        return
    if created:
        default_tier(instance)
        return
    price = default_tier_price(instance)
    TicketTier.objects.filter(event_id=instance.id, is_default=True).exclude(price=price).update(price=price)


def connect_signals() -> None:
    people_signals.user_blocked.connect(_on_user_blocked, dispatch_uid="events.user_blocked")
    post_save.connect(_on_event_saved, sender=Event, dispatch_uid="events.default_tier")
