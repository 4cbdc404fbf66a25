"""Demo venues and events for `make run`, so a new user sees a real feed. Idempotent."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from loopin.accounts.models import Interest, User
from loopin.core.ids import short_code
from loopin.events.models import Event, EventImage, EventStatus, JoinMode, Venue
from loopin.organisations.demo import HANDLE
from loopin.organisations.models import Organisation

VENUES = [
    ("The Courtyard", "14 Lower Parel", "Mumbai", "19.0000", "72.8300", "outdoor", 300),
    ("Blue Tokai Roastery", "Indiranagar 12th Main", "Bengaluru", "12.9719", "77.6412", "indoor", 60),
    ("Cubbon Park Bandstand", "Kasturba Road", "Bengaluru", "12.9763", "77.5929", "outdoor", 500),
    ("Hauz Khas Social", "Hauz Khas Village", "Delhi", "28.5535", "77.1940", "indoor", 150),
    ("Koregaon Park Commons", "North Main Road", "Pune", "18.5362", "73.8940", "hybrid", 120),
]

EVENTS = [
    # title, venue index, host index, interest slugs, days ahead, hours, capacity, price, join mode, plus one
    ("Sunday sunrise run", 2, 0, ["sports-and-fitness", "health-and-wellness"], 3, 2, 40, None, "open", False),
    ("Indie music night", 0, 1, ["music-and-concerts", "entertainment"], 6, 4, 200, "499.00", "open", True),
    ("Founders coffee meetup", 1, 2, ["business-and-networking", "technology"], 2, 2, 25, None, "approval", False),
    ("Street food walk", 3, 3, ["food-and-dining", "travel-and-adventure"], 9, 3, 20, "799.00", "approval", True),
    ("Pottery for beginners", 4, 1, ["art-and-culture", "education-and-learning"], 12, 3, 12, "1200.00", "open", False),
    ("Python & chai", 1, 0, ["technology", "education-and-learning"], 5, 3, 0, None, "open", True),
    ("Stand-up comedy open mic", 0, 2, ["entertainment"], 8, 2, 120, "299.00", "open", True),
    (
        "Weekend trek planning",
        4,
        3,
        ["travel-and-adventure", "sports-and-fitness"],
        4,
        2,
        30,
        None,
        "invite_only",
        False,
    ),
]


def demo_event(
    *,
    host: User,
    title: str,
    description: str,
    start: datetime,
    hours: int,
    interests: Iterable[str],
    slug: str | None = None,
    cover: bool = False,
    **fields: Any,
) -> Event:
    """One published demo event (every demo module builds its events here): `hours` long from `start`, open to
    all genders, with these interests (slugs) and, with `cover`, a picsum cover image. `fields` are the event's
    other columns (venue, city, capacity, price, join mode, ...)."""
    event = Event.objects.create(
        host=host,
        title=title,
        slug=slug or slugify(title),
        canonical_id=short_code(8).lower(),
        description=description,
        start_at=start,
        end_at=start + timedelta(hours=hours),
        allowed_genders=["all"],
        status=EventStatus.PUBLISHED,
        published_at=timezone.now(),
        **fields,
    )
    event.interests.set(Interest.objects.filter(slug__in=list(interests)))
    if cover:
        EventImage.objects.create(event=event, position=0, url=f"https://picsum.photos/seed/{event.slug}/800/450")
    return event


def demo_events(hosts: list[User]) -> dict[str, int]:
    if Event.objects.filter(host__in=hosts).exists():
        return {"venues": Venue.objects.count(), "events": Event.objects.filter(host__in=hosts).count()}
    venues = []
    for name, address, city, lat, lng, kind, capacity in VENUES:
        venue, _ = Venue.objects.get_or_create(
            name=name,
            city=city,
            defaults={
                "address": address,
                "latitude": Decimal(lat),
                "longitude": Decimal(lng),
                "venue_type": kind,
                "capacity": capacity,
                "is_verified": True,
                "created_by": hosts[0],
            },
        )
        venues.append(venue)
    start_of_day = timezone.now().replace(minute=0, second=0, microsecond=0)
    for title, v, h, slugs, days, hours, capacity, price, mode, plus_one in EVENTS:
        venue = venues[v]
        start = start_of_day + timedelta(days=days, hours=(13 - start_of_day.hour) % 24)  # 18:30 IST
        demo_event(
            host=hosts[h],
            title=title,
            description=f"{title} at {venue.name}. Come as you are.",
            start=start,
            hours=hours,
            interests=slugs,
            cover=True,
            venue=venue,
            city=venue.city,
            country_code="IN",
            latitude=float(venue.latitude) if venue.latitude is not None else None,
            longitude=float(venue.longitude) if venue.longitude is not None else None,
            capacity=capacity,
            is_paid=price is not None,
            ticket_price=Decimal(price or "0.00"),
            allow_plus_one=plus_one,
            join_mode=mode,
        )
    return {"venues": len(venues), "events": len(EVENTS)}


# The event about to start (its guests, requests and co-host: loopin.participation.demo.demo_states).
STARTING_SOON = "Terrace board games (starts in 30 minutes)"


ORGANISATION_EVENTS = ("Quiz night at the Social Club", "Rooftop gig: The Koramangala Social")
ORGANISATION_VENUE = "Koramangala Social Club Rooftop"


def demo_organisation_venue(organisation: Organisation, added_by: User) -> Venue:
    """The demo organisation's own venue (its members run it by role: venuecommerce/access.py), added by Kabir."""
    venue, _ = Venue.objects.get_or_create(
        name=ORGANISATION_VENUE,
        city="Bengaluru",
        defaults={
            "organisation": organisation,
            "created_by": added_by,
            "address": "Rooftop, 80 Feet Road, Koramangala",
            "latitude": Decimal("12.935300"),
            "longitude": Decimal("77.624600"),
            "capacity": 60,
        },
    )
    return venue


def demo_organisation_events(hosts: list[User]) -> dict[str, int]:
    """The demo organisation (organisations/demo.py) runs two events, created by its manager Kabir, at its own
    venue: a quiz night next week and a rooftop gig the week after. Idempotent."""

    organisation = Organisation.objects.alive().filter(handle=HANDLE).first()
    if organisation is None or len(hosts) < 3:
        return {"organisation_events": 0}
    venue = demo_organisation_venue(organisation, hosts[2])
    start_of_day = timezone.now().replace(minute=0, second=0, microsecond=0)
    for days, title, mode in [
        (7, ORGANISATION_EVENTS[0], JoinMode.OPEN),
        (14, ORGANISATION_EVENTS[1], JoinMode.APPROVAL),
    ]:
        if Event.objects.filter(organisation=organisation, title=title).exists():
            continue
        start = start_of_day + timedelta(days=days, hours=(14 - start_of_day.hour) % 24)  # 19:30 IST
        demo_event(
            host=hosts[2],  # Kabir, the organisation's manager
            title=title,
            description=f"{title}, run by {organisation.name}.",
            start=start,
            hours=3,
            interests=["entertainment"],
            cover=True,
            organisation=organisation,
            venue=venue,
            location_text="Rooftop, 80 Feet Road, Koramangala",
            city="Bengaluru",
            latitude=12.9352,
            longitude=77.6245,
            capacity=60,
            join_mode=mode,
        )
    return {"organisation_events": Event.objects.alive().filter(organisation=organisation).count()}
