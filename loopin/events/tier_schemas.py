"""Request and response shapes of ticket tiers (the events API's `/api/v2/events/{id}/tiers`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from loopin.events.schemas import InTime, Money, TierOut, TierVisibilityName

__all__ = ["TierIn", "TierOut", "TierUpdateIn"]


class TierIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80)
    description: str = Field(default="", max_length=2000)
    price: Money = Field(description="Per seat; 0 on a free event. Pay what you want: the minimum")
    pay_what_you_want: bool = False
    suggested_price: Money | None = None
    capacity: int = Field(default=0, ge=0, le=1_000_000, description="0: only the event's capacity limits it")
    sales_start_at: InTime | None = None
    sales_end_at: InTime | None = None
    min_per_order: int = Field(default=1, ge=1, le=10)
    max_per_order: int | None = Field(default=None, ge=1, le=10, description="null: the event's rule (1, or 2)")
    visibility: TierVisibilityName = Field(default="public", description="hidden: shown only after an unlock code")
    unlock_code: str = Field(default="", max_length=64, description="Reveals the tier when hidden (any case)")
    requires_approval: bool = False
    sort_order: int = Field(default=0, ge=0, le=1000)


class TierUpdateIn(BaseModel):
    """Only the fields sent change; null clears the optional ones (windows, suggested price, max per order)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=80)
    description: str | None = Field(default=None, max_length=2000)
    price: Money | None = None
    pay_what_you_want: bool | None = None
    suggested_price: Money | None = None
    capacity: int | None = Field(default=None, ge=0, le=1_000_000)
    sales_start_at: InTime | None = None
    sales_end_at: InTime | None = None
    min_per_order: int | None = Field(default=None, ge=1, le=10)
    max_per_order: int | None = Field(default=None, ge=1, le=10)
    visibility: TierVisibilityName | None = None
    unlock_code: str | None = Field(default=None, max_length=64)
    requires_approval: bool | None = None
    sort_order: int | None = Field(default=None, ge=0, le=1000)
