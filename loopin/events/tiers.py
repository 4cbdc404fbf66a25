"""Reading an event's ticket tiers: the default tier, and where each tier's sales stand (its availability state).

Writes to tiers are in `loopin.events.services.tiers`; their seat counters move only in
`loopin.participation.seats`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, UUIDField
from django.utils import timezone

from loopin.core.compiled import CompiledInstances, first
from loopin.events.models import Event, TicketTier, TierVisibility


class TierState(StrEnum):
    ON_SALE = "on_sale"
    SOLD_OUT = "sold_out"
    NOT_YET_ON_SALE = "not_yet_on_sale"
    SALES_ENDED = "sales_ended"
    HIDDEN = "hidden"


def default_tier_price(event: Event) -> Decimal:
    return event.ticket_price if event.is_paid else Decimal("0.00")


# Read on every hold that names no tier (issue 22): compiled once, not built and compiled by the ORM on each call.
DEFAULT_TIER = CompiledInstances(
    TicketTier,
    lambda event_id: first(TicketTier.objects.filter(event_id=event_id, is_default=True)),
    related=(),
    slots={"event_id": UUIDField()},
)


def default_tier(event: Event) -> TicketTier:
    """The event's default tier (its own price, no capacity of its own), made when missing."""
    tier: TicketTier | None = DEFAULT_TIER.instance(event_id=event.id)
    if tier is not None:
        return tier
    try:
        with transaction.atomic():
            return TicketTier.objects.create(
                event_id=event.id, name="General admission", price=default_tier_price(event), is_default=True
            )
    except IntegrityError:  # made at the same moment by another call
        return TicketTier.objects.get(event_id=event.id, is_default=True)


def tier_state(tier: TicketTier, event: Event, *, now: datetime | None = None, unlocked: bool = False) -> TierState:
    """Where a tier's sales stand now; a hidden tier is `hidden` to whoever has not unlocked it."""
    now = now or timezone.now()
    if tier.visibility == TierVisibility.HIDDEN and not unlocked:
        return TierState.HIDDEN
    if tier.sales_end_at is not None and tier.sales_end_at <= now:
        return TierState.SALES_ENDED
    if tier.sales_start_at is not None and tier.sales_start_at > now:
        return TierState.NOT_YET_ON_SALE
    if tier.seats_left == 0 or event.seats_left == 0:
        return TierState.SOLD_OUT
    return TierState.ON_SALE


def availability_annotations(now: datetime | None = None) -> dict[str, Any]:
    """Subqueries (for an Event queryset) from which `card_availability` reads the feed card's state."""
    now = now or timezone.now()
    public = TicketTier.objects.filter(event_id=OuterRef("id"), visibility=TierVisibility.PUBLIC)
    started = Q(sales_start_at__isnull=True) | Q(sales_start_at__lte=now)
    not_ended = Q(sales_end_at__isnull=True) | Q(sales_end_at__gt=now)
    has_room = Q(capacity=0) | Q(seats_taken__lt=F("capacity"))
    return {
        "tiers_public": Exists(public),
        "tiers_open": Exists(public.filter(started & not_ended & has_room)),
        "tiers_upcoming": Exists(public.filter(not_ended).exclude(started)),
        "tiers_full": Exists(public.filter(started & not_ended).exclude(has_room)),
    }


def tiers_unlocked(event_id: uuid.UUID, code: str | None) -> frozenset[uuid.UUID]:
    """The hidden tiers of the event that `code` reveals (any letter case); none for no code."""
    code = (code or "").strip().upper()
    if not code:
        return frozenset()
    ids = TicketTier.objects.filter(event_id=event_id, visibility=TierVisibility.HIDDEN, unlock_code=code).values_list(
        "id", flat=True
    )
    return frozenset(ids)


AVAILABILITY_FIELDS = ("tiers_public", "tiers_open", "tiers_upcoming", "tiers_full")


def card_availability(row: Any) -> str:
    """The feed card's one word, from an event (or a values() row) with `availability_annotations`:
    `sold_out` (the event has no seat left at all) is apart from `tiers_sold_out` (every public tier on sale is
    full, while the event still has seats: in a hidden tier, or freed later); else `on_sale`, `not_yet_on_sale`,
    `sales_ended`, or `hidden` (every tier is behind an unlock code)."""
    get = row.get if isinstance(row, dict) else lambda name, default=None: getattr(row, name, default)
    capacity, taken = get("capacity", 0), get("seats_taken", 0)
    if capacity and taken >= capacity:
        return "sold_out"
    if get("tiers_open", False):
        return "on_sale"
    if not get("tiers_public", False):
        return "hidden"
    if get("tiers_upcoming", False):
        return "not_yet_on_sale"
    if get("tiers_full", False):
        return "tiers_sold_out"
    return "sales_ended"
