"""A ticket tier as buyers and hosts see it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from loopin.core.choices import choices_literal
from loopin.events.models import Event, TicketTier, TierVisibility
from loopin.events.schemas.fields import DisplayTime
from loopin.events.tiers import TierState, tier_state

if TYPE_CHECKING:  # mypy reads the values as plain strings; pydantic and OpenAPI see the Literal
    TierVisibilityName = str
    TierStateName = str
else:
    TierVisibilityName = choices_literal(TierVisibility)
    TierStateName = choices_literal(TierState)


class TierOut(BaseModel):
    id: uuid.UUID
    name: str
    description: str | None
    price: str = Field(description="Decimal string per seat; the minimum when pay_what_you_want")
    pay_what_you_want: bool
    suggested_price: str | None
    currency: str
    capacity: int = Field(description="0: only the event's capacity limits it")
    seats_left: int | None = Field(description="The fewer of the tier's and the event's; null when unlimited")
    sales_start_at: DisplayTime | None
    sales_end_at: DisplayTime | None
    min_per_order: int
    max_per_order: int
    visibility: TierVisibilityName
    unlock_code: str | None = Field(description="The host's view only")
    requires_approval: bool
    sort_order: int
    is_default: bool = Field(description="The event's own price (what the app's dialect shows)")
    state: TierStateName

    @classmethod
    def from_model(
        cls,
        tier: TicketTier,
        event: Event,
        *,
        now: datetime | None = None,
        unlocked: bool = False,
        manager: bool = False,
    ) -> TierOut:
        """A tier as buyers (and hosts) see it; `seats_left` is the fewer of the tier's and the event's."""
        lefts = [n for n in (tier.seats_left, event.seats_left) if n is not None]
        return cls(
            id=tier.id,
            name=tier.name,
            description=tier.description or None,
            price=f"{tier.price:.2f}",
            pay_what_you_want=tier.pay_what_you_want,
            suggested_price=f"{tier.suggested_price:.2f}" if tier.suggested_price is not None else None,
            currency=event.currency,
            capacity=tier.capacity,
            seats_left=min(lefts) if lefts else None,
            sales_start_at=tier.sales_start_at,
            sales_end_at=tier.sales_end_at,
            min_per_order=tier.min_per_order,
            max_per_order=tier.max_seats(event),
            visibility=tier.visibility,
            unlock_code=(tier.unlock_code or None) if manager else None,
            requires_approval=tier.requires_approval,
            sort_order=tier.sort_order,
            is_default=tier.is_default,
            state=tier_state(tier, event, now=now, unlocked=unlocked),
        )
