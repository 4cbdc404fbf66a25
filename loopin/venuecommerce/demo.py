"""Demo venue commerce for `make run`: the venue of the event about to start (its demo guests hold tickets, and
its doors are open) gets a counter and a small menu: order as a guest, run the queue as the venue's owner (the
event's host) or as the second demo host, who works the counter. Idempotent."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from loopin.events.demo import ORGANISATION_VENUE, STARTING_SOON
from loopin.events.models import Event, Venue
from loopin.venuecommerce.models import Counter, MenuItem, MenuVariant, StaffRole, VenueStaff

DEMO_VENUE = "Koramangala Rooftop"
COUNTER = "Rooftop bar"
MENU: list[tuple[str, str, str, list[tuple[str, str, int | None]]]] = [
    # name, kind, GST %, [(variant, price before GST, stock or None)]
    ("Masala chai", "drink", "5", [("Cup", "40.00", None)]),
    ("Cold coffee", "drink", "5", [("Regular", "120.00", None), ("Large", "160.00", None)]),
    ("Vada pav", "food", "5", [("Two", "80.00", 40)]),
    ("Board-game night tee", "merchandise", "12", [("M", "599.00", 10), ("L", "599.00", 8)]),
]


def demo_venue(event: Event) -> Venue:
    """The demo event's venue; an event with a place but no venue gets "Koramangala Rooftop", owned by its host
    (who then runs the venue: its counter, its parking lot, its gate). The one owner of the demo venue."""
    if event.venue is not None:
        return event.venue
    venue, _ = Venue.objects.get_or_create(
        name=DEMO_VENUE,
        city="Bengaluru",
        defaults={
            "address": "80 Feet Road, Koramangala",
            "latitude": Decimal("12.935200"),
            "longitude": Decimal("77.624500"),
            "created_by": event.host,
        },
    )
    Event.objects.filter(id=event.id).update(venue=venue)
    event.venue = venue
    return venue


def demo_venue_commerce(hosts: list[Any]) -> dict[str, int]:
    event = Event.objects.select_related("venue").filter(title=STARTING_SOON).first()
    if event is None:
        return {"menu_items": 0}
    venue = demo_venue(event)
    Counter.objects.get_or_create(venue=venue, name=COUNTER, defaults={"location_hint": "By the stairs"})
    for position, (name, kind, gst, variants) in enumerate(MENU):
        item, created = MenuItem.objects.get_or_create(
            venue=venue, name=name, defaults={"kind": kind, "gst_rate": Decimal(gst), "position": position}
        )
        if created:
            for i, (variant, price, stock) in enumerate(variants):
                MenuVariant.objects.create(item=item, name=variant, price=Decimal(price), stock=stock, position=i)
    if len(hosts) > 1 and hosts[1].id != venue.created_by_id:
        VenueStaff.objects.get_or_create(
            venue=venue,
            user=hosts[1],
            defaults={"role": StaffRole.CONCESSIONS, "added_by": venue.created_by, "accepted_at": timezone.now()},
        )
    return {"menu_items": MenuItem.objects.filter(venue=venue).count()}


CLUB_COUNTER = "Club bar"
CLUB_MENU: list[tuple[str, str, str, str]] = [
    ("Quiz-night nachos", "food", "5", "180.00"),
    ("Lime soda", "drink", "5", "90.00"),
]


def demo_organisation_venue_commerce(hosts: list[Any]) -> dict[str, int]:
    """The demo organisation's venue (events/demo.py) gets a counter and a short menu: Aarav (owner) and Kabir
    (manager) run it by their organisation roles, Meera (door) works its door; nobody was added as venue staff."""
    venue = Venue.objects.filter(name=ORGANISATION_VENUE, organisation__isnull=False).first()
    if venue is None:
        return {"organisation_menu_items": 0}
    Counter.objects.get_or_create(venue=venue, name=CLUB_COUNTER, defaults={"location_hint": "Next to the stage"})
    for position, (name, kind, gst, price) in enumerate(CLUB_MENU):
        item, created = MenuItem.objects.get_or_create(
            venue=venue, name=name, defaults={"kind": kind, "gst_rate": Decimal(gst), "position": position}
        )
        if created:
            MenuVariant.objects.create(item=item, name="Regular", price=Decimal(price))
    return {"organisation_menu_items": MenuItem.objects.filter(venue=venue).count()}
