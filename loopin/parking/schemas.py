"""Request and response shapes of parking (`/api/v2/events/{id}/parking`, `/api/v2/parking-lots`,
`/api/v2/venues/{id}/parking-lots`, `/api/v2/me/parking`)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from loopin.events.schemas import DisplayTime, Money

BandKindName = Literal["occupancy", "lead_time"]


class BandIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: BandKindName = Field(description="occupancy: from `threshold` percent taken; lead_time: within minutes")
    threshold: int = Field(ge=0, le=525_600, description="Percent taken (occupancy) or minutes to the start")
    multiplier: Decimal = Field(ge=Decimal("0.10"), le=Decimal("10"), max_digits=5, decimal_places=2)


class BandOut(BaseModel):
    kind: BandKindName
    threshold: int
    multiplier: str


class LotIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    spaces: int = Field(ge=1, le=100_000)
    latitude: Decimal = Field(ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal = Field(ge=-180, le=180, max_digits=9, decimal_places=6)
    directions: str = Field(default="", max_length=500)
    base_rate: Money = Field(description="Per started hour of the reserved window; 0: free")
    min_price: Money | None = None
    max_price: Money | None = None
    opens_minutes_before: int = Field(default=60, ge=0, le=1440)
    closes_minutes_after: int = Field(default=60, ge=0, le=1440)
    grace_minutes: int = Field(default=15, ge=0, le=240)
    bands: list[BandIn] = Field(default_factory=list, max_length=20)


class LotUpdateIn(BaseModel):
    """Only the fields sent change; `bands`, when sent, replace all of them."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=120)
    spaces: int | None = Field(default=None, ge=1, le=100_000)
    latitude: Decimal | None = Field(default=None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(default=None, ge=-180, le=180, max_digits=9, decimal_places=6)
    directions: str | None = Field(default=None, max_length=500)
    base_rate: Money | None = None
    min_price: Money | None = None
    max_price: Money | None = None
    opens_minutes_before: int | None = Field(default=None, ge=0, le=1440)
    closes_minutes_after: int | None = Field(default=None, ge=0, le=1440)
    grace_minutes: int | None = Field(default=None, ge=0, le=240)
    is_active: bool | None = None
    bands: list[BandIn] | None = Field(default=None, max_length=20)


class LotOut(BaseModel):
    id: uuid.UUID
    venue_id: uuid.UUID
    name: str
    spaces: int
    latitude: str
    longitude: str
    directions: str
    currency: str
    base_rate: str
    min_price: str | None
    max_price: str | None
    opens_minutes_before: int
    closes_minutes_after: int
    grace_minutes: int
    is_active: bool
    bands: list[BandOut]


class EventLotOut(LotOut):
    spaces_left: int
    price_now: str = Field(description="What a space costs right now; a quote fixes it for a few minutes")


class QuoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lot_id: uuid.UUID


class QuoteOut(BaseModel):
    id: uuid.UUID
    lot_id: uuid.UUID
    event_id: uuid.UUID
    price: str
    currency: str
    breakdown: dict[str, Any]
    reserved_from: DisplayTime
    reserved_until: DisplayTime
    expires_at: DisplayTime


class ReserveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quote_id: uuid.UUID = Field(description="A quote of yours that has not expired: its price is the price paid")
    vehicle_plate: str = Field(default="", max_length=16, pattern=r"^[A-Za-z0-9 -]*$")


class ReservationLotOut(BaseModel):
    id: uuid.UUID
    name: str
    latitude: str
    longitude: str
    directions: str


class ChargeOut(BaseModel):
    id: uuid.UUID
    reservation_id: uuid.UUID
    minutes: int
    hours_charged: int
    amount: str
    currency: str
    status: str
    paid_at: DisplayTime | None


class ReservationOut(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID
    lot: ReservationLotOut
    status: str = Field(description="pending (held while paying), confirmed, expired, cancelled, completed")
    price: str
    currency: str
    vehicle_plate: str | None
    reserved_from: DisplayTime
    reserved_until: DisplayTime
    hold_expires_at: DisplayTime | None
    inside: bool
    entered_at: DisplayTime | None
    exited_at: DisplayTime | None
    qr: str | None = Field(description="The signed parking pass (confirmed reservations, in their detail)")
    overstay: ChargeOut | None
    created_at: DisplayTime


class GateScanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nonce: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="Unique per scan")
    qr: str = Field(min_length=1, max_length=400)
    direction: Literal["entry", "exit"] = "entry"


class GateReservationOut(BaseModel):
    id: uuid.UUID
    status: str
    inside: bool
    vehicle_plate: str | None
    reserved_from: str
    reserved_until: str
    guest: str | None


class GateOverstayOut(BaseModel):
    id: uuid.UUID
    minutes: int
    amount: str
    currency: str
    status: str


class GateScanOut(BaseModel):
    status: str = Field(description="ok, invalid, wrong_lot, not_confirmed, not_yet_open, already_inside, …")
    reason: str | None
    message: str
    nonce: str
    direction: str
    scanned_at: str
    reservation: GateReservationOut | None
    overstay: GateOverstayOut | None = Field(description="On an exit past the window: the amount now due")


class PayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: Literal["card", "credits"] = Field(default="card", description="card: a checkout; credits: LoopPay")
