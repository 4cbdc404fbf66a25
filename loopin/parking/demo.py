"""Demo parking for `make run`: a lot with dynamic pricing at the venue of the event about to start (the
demo guests hold tickets there: quote, reserve, show the pass at the gate as the venue's owner). Idempotent."""

from __future__ import annotations

from decimal import Decimal

from loopin.events.demo import STARTING_SOON
from loopin.events.models import Event
from loopin.parking.models import BandKind, ParkingLot, ParkingPriceBand
from loopin.venuecommerce.demo import demo_venue

LOT_NAME = "Rooftop basement parking"
BANDS = [
    (BandKind.OCCUPANCY, 50, "1.25"),
    (BandKind.OCCUPANCY, 80, "1.50"),
    (BandKind.LEAD_TIME, 1440, "1.10"),
    (BandKind.LEAD_TIME, 60, "1.30"),
]


def demo_parking(hosts: list) -> dict[str, int]:
    event = Event.objects.select_related("venue").filter(title=STARTING_SOON).first()
    if event is None:
        return {"parking_lots": 0}
    venue = demo_venue(event)
    lot, created = ParkingLot.objects.get_or_create(
        venue=venue,
        name=LOT_NAME,
        defaults={
            "spaces": 12,
            "latitude": Decimal("12.935100"),
            "longitude": Decimal("77.624300"),
            "directions": "Ramp on the left of the building; show your pass at the barrier.",
            "base_rate": Decimal("40.00"),
            "min_price": Decimal("60.00"),
            "max_price": Decimal("400.00"),
        },
    )
    if created:
        ParkingPriceBand.objects.bulk_create(
            [ParkingPriceBand(lot=lot, kind=k, threshold=t, multiplier=Decimal(m)) for k, t, m in BANDS]
        )
    return {"parking_lots": ParkingLot.objects.filter(venue=venue).count()}
