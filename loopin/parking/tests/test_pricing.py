"""The dynamic price: hours × base rate × occupancy band × lead-time band, within the caps, in Decimal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from loopin.parking.models import BandKind, ParkingLot, ParkingPriceBand
from loopin.parking.pricing import overstay_amount, price_for

START = datetime(2026, 12, 20, 18, 0, tzinfo=UTC)
END = START + timedelta(hours=2)


def _lot(**fields) -> ParkingLot:
    defaults = {"spaces": 100, "base_rate": Decimal("40.00"), "currency": "INR"}
    return ParkingLot(**{**defaults, **fields})


def _bands() -> list[ParkingPriceBand]:
    return [
        ParkingPriceBand(kind=BandKind.OCCUPANCY, threshold=50, multiplier=Decimal("1.25")),
        ParkingPriceBand(kind=BandKind.OCCUPANCY, threshold=80, multiplier=Decimal("1.50")),
        ParkingPriceBand(kind=BandKind.LEAD_TIME, threshold=1440, multiplier=Decimal("1.10")),
        ParkingPriceBand(kind=BandKind.LEAD_TIME, threshold=60, multiplier=Decimal("1.30")),
    ]


def _price(lot: ParkingLot, *, taken: int, now: datetime) -> tuple[Decimal, dict]:
    quote = price_for(lot, _bands(), spaces_taken=taken, event_start=START, event_end=END, now=now)
    return quote.price, quote.breakdown


def test_an_empty_lot_far_ahead_costs_hours_times_the_base_rate():
    price, breakdown = _price(_lot(), taken=0, now=START - timedelta(days=7))
    assert price == Decimal("160.00")  # 4 hours (1 h before, 2 h event, 1 h after) × 40
    assert (breakdown["hours"], breakdown["occupancy_multiplier"], breakdown["lead_time_multiplier"]) == (
        4,
        "1",
        "1",
    )


def test_the_highest_occupancy_band_reached_applies():
    assert _price(_lot(), taken=49, now=START - timedelta(days=7))[0] == Decimal("160.00")
    assert _price(_lot(), taken=50, now=START - timedelta(days=7))[0] == Decimal("200.00")
    assert _price(_lot(), taken=85, now=START - timedelta(days=7))[0] == Decimal("240.00")


def test_the_nearest_lead_time_band_applies():
    assert _price(_lot(), taken=0, now=START - timedelta(hours=5))[0] == Decimal("176.00")  # × 1.10
    assert _price(_lot(), taken=0, now=START - timedelta(minutes=30))[0] == Decimal("208.00")  # × 1.30


def test_both_multipliers_compound_and_round_half_up_to_paise():
    lot = _lot(base_rate=Decimal("33.33"))
    price, breakdown = _price(lot, taken=90, now=START - timedelta(minutes=10))
    assert price == Decimal("259.97")  # 33.33 × 4 × 1.5 × 1.3 = 259.974
    assert breakdown["before_caps"] == "259.97"


def test_the_caps_bound_the_price():
    assert _price(_lot(max_price=Decimal("180.00")), taken=90, now=START)[0] == Decimal("180.00")
    assert _price(_lot(min_price=Decimal("300.00")), taken=0, now=START - timedelta(days=7))[0] == Decimal("300.00")


def test_a_free_lot_stays_free_whatever_its_minimum():
    assert _price(_lot(base_rate=Decimal("0"), min_price=Decimal("50")), taken=99, now=START)[0] == Decimal("0.00")


def test_overstay_within_the_grace_is_free_and_past_it_every_started_hour_is_charged():
    lot = _lot(grace_minutes=15)
    assert overstay_amount(lot, reserved_until=END, exited_at=END + timedelta(minutes=15)) == (15, 0, Decimal("0"))
    assert overstay_amount(lot, reserved_until=END, exited_at=END + timedelta(minutes=16)) == (
        16,
        1,
        Decimal("40.00"),
    )
    assert overstay_amount(lot, reserved_until=END, exited_at=END + timedelta(minutes=121)) == (
        121,
        3,
        Decimal("120.00"),
    )
