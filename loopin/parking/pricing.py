"""The dynamic price of a reservation: hours of the reserved window × the lot's hourly base rate × the
occupancy band's multiplier × the lead-time band's multiplier, then the lot's min/max caps, rounded to the
currency's minor unit (Decimal throughout). Pure: the caller passes the counts and the clock."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from loopin.parking.models import BandKind, ParkingLot, ParkingPriceBand
from loopin.payments.money import quantize

ONE = Decimal("1")


@dataclass(frozen=True)
class Window:
    starts: datetime
    ends: datetime

    @property
    def hours(self) -> int:
        """Started hours (a 2 h 10 min window is 3 hours)."""
        return max(1, math.ceil((self.ends - self.starts) / timedelta(hours=1)))


@dataclass(frozen=True)
class PriceQuote:
    price: Decimal
    currency: str
    breakdown: dict[str, Any]


def reserved_window(lot: ParkingLot, *, event_start: datetime, event_end: datetime) -> Window:
    return Window(
        starts=event_start - timedelta(minutes=lot.opens_minutes_before),
        ends=event_end + timedelta(minutes=lot.closes_minutes_after),
    )


def occupancy_multiplier(bands: Iterable[ParkingPriceBand], *, percent_taken: Decimal) -> Decimal:
    """The band with the highest threshold the occupancy has reached; 1 when none."""
    reached = [b for b in bands if b.kind == BandKind.OCCUPANCY and percent_taken >= b.threshold]
    return max(reached, key=lambda b: b.threshold).multiplier if reached else ONE


def lead_time_multiplier(bands: Iterable[ParkingPriceBand], *, minutes_to_start: int) -> Decimal:
    """The band with the smallest threshold the time to the start is within; 1 when none."""
    within = [b for b in bands if b.kind == BandKind.LEAD_TIME and minutes_to_start <= b.threshold]
    return min(within, key=lambda b: b.threshold).multiplier if within else ONE


def price_for(
    lot: ParkingLot,
    bands: list[ParkingPriceBand],
    *,
    spaces_taken: int,
    event_start: datetime,
    event_end: datetime,
    now: datetime,
) -> PriceQuote:
    """What one reservation costs now, with the steps that made the price."""
    window = reserved_window(lot, event_start=event_start, event_end=event_end)
    percent = (Decimal(spaces_taken) * 100 / Decimal(lot.spaces)).quantize(Decimal("0.01"))
    minutes = max(0, math.floor((event_start - now) / timedelta(minutes=1)))
    occupancy = occupancy_multiplier(bands, percent_taken=percent)
    lead = lead_time_multiplier(bands, minutes_to_start=minutes)
    raw = lot.base_rate * window.hours * occupancy * lead
    capped = raw
    if lot.min_price is not None and capped < lot.min_price:
        capped = lot.min_price
    if lot.max_price is not None and capped > lot.max_price:
        capped = lot.max_price
    if lot.base_rate == 0:
        capped = Decimal("0")  # a free lot stays free whatever its caps say
    price = quantize(capped, lot.currency)
    return PriceQuote(
        price=price,
        currency=lot.currency,
        breakdown={
            "hours": window.hours,
            "base_rate": str(lot.base_rate),
            "occupancy_percent": str(percent),
            "occupancy_multiplier": str(occupancy),
            "minutes_to_start": minutes,
            "lead_time_multiplier": str(lead),
            "before_caps": str(quantize(raw, lot.currency)),
            "min_price": str(lot.min_price) if lot.min_price is not None else None,
            "max_price": str(lot.max_price) if lot.max_price is not None else None,
        },
    )


def overstay_amount(lot: ParkingLot, *, reserved_until: datetime, exited_at: datetime) -> tuple[int, int, Decimal]:
    """(whole minutes past the window, hours charged, amount): nothing within the grace; past it, every started
    hour after the window's end at the lot's base rate."""
    minutes = max(0, math.floor((exited_at - reserved_until) / timedelta(minutes=1)))
    if minutes <= lot.grace_minutes or lot.base_rate == 0:
        return minutes, 0, Decimal("0")
    hours = math.ceil(minutes / 60)
    return minutes, hours, quantize(lot.base_rate * hours, lot.currency)
