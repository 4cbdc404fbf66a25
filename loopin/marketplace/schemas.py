"""Request and response shapes of the marketplace (`/api/v2/marketplace/...`, `/api/v2/me/marketplace/...`)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from loopin.events.schemas import DisplayTime
from loopin.media.schemas import MediaOut

CategoryName = Literal["electronics", "fashion", "home", "sports", "books", "music", "merch", "vehicles", "other"]
ConditionName = Literal["new", "like_new", "good", "fair"]
PriceField = Field(ge=Decimal("1.00"), le=Decimal("10000000"), max_digits=10, decimal_places=2, examples=["1500.00"])


class ListingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=3, max_length=120)
    description: str = Field(default="", max_length=5000)
    price: Decimal = PriceField
    category: CategoryName
    condition: ConditionName
    city: str = Field(min_length=2, max_length=100)
    media_ids: list[uuid.UUID] = Field(default_factory=list, max_length=8, description="Your image uploads")


class ListingUpdateIn(BaseModel):
    """Only the fields sent change; `media_ids`, when sent, replace the photos."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=3, max_length=120)
    description: str | None = Field(default=None, max_length=5000)
    price: Decimal | None = Field(
        default=None, ge=Decimal("1.00"), le=Decimal("10000000"), max_digits=10, decimal_places=2
    )
    category: CategoryName | None = None
    condition: ConditionName | None = None
    city: str | None = Field(default=None, min_length=2, max_length=100)
    media_ids: list[uuid.UUID] | None = Field(default=None, max_length=8)


class SellerOut(BaseModel):
    id: uuid.UUID
    name: str | None


class ListingOut(BaseModel):
    id: uuid.UUID
    title: str
    description: str
    price: str
    currency: str
    category: str
    condition: str
    city: str
    status: str = Field(description="active, reserved (a buyer is paying), sold")
    photos: list[MediaOut]
    seller: SellerOut
    is_mine: bool
    created_at: DisplayTime
    sold_at: DisplayTime | None


class OrderOut(BaseModel):
    id: uuid.UUID
    listing_id: uuid.UUID
    title: str
    buyer_id: uuid.UUID
    seller_id: uuid.UUID
    status: str = Field(description="pending (the listing is held for you), paid, completed, expired, cancelled")
    price: str
    fee_percent: str
    fee_amount: str
    total: str = Field(description="What the buyer pays: the price and the platform fee")
    currency: str
    hold_expires_at: DisplayTime | None
    paid_at: DisplayTime | None
    completed_at: DisplayTime | None
    created_at: DisplayTime
    checkout: dict[str, Any] | None = Field(default=None, description="What the client needs to pay by card")


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stars: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=1000)


class RatingOut(BaseModel):
    id: uuid.UUID
    order_id: uuid.UUID
    rater_id: uuid.UUID
    ratee_id: uuid.UUID
    stars: int
    comment: str
    created_at: DisplayTime


class PayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: Literal["card", "credits"] = Field(default="card", description="card: a checkout; credits: LoopPay")


class EarningsOut(BaseModel):
    """A seller's earnings from completed sales (amounts as decimal strings)."""

    currency: str
    gross_earnings: str = Field(description="Sellers' shares of completed sales (price; the fee is the platform's)")
    refunds_total: str = Field(description="Shares of completed sales refunded afterwards")
    previously_paid: str = Field(description="Paid out to your bank account")
    amount: str = Field(description="Payable now (negative: refunds after a payout, paid off by later sales)")
    payout_in_progress: str | None = Field(description="The amount of your payout request being processed")


class SellerPayoutIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bank_account_id: uuid.UUID


class RefundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=255)
