"""Payments' demo data for `make run`: the fee configuration and one paid open event to buy through the sandbox."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

DEMO_TITLE = "Rooftop jazz evening (paid demo)"


def demo_payments(hosts: list) -> dict[str, int]:
    from loopin.accounts.models import Interest
    from loopin.core.ids import short_code
    from loopin.events.models import Event, EventStatus, JoinMode, Visibility
    from loopin.payments.models import FeeConfig

    FeeConfig.current()
    if not Event.objects.filter(title=DEMO_TITLE).exists() and hosts:
        start = (timezone.now() + timedelta(days=7)).replace(hour=14, minute=30, second=0, microsecond=0)
        event = Event.objects.create(
            host=hosts[0],
            title=DEMO_TITLE,
            slug="rooftop-jazz-evening-paid-demo",
            canonical_id=short_code(8).lower(),
            description="Live jazz on a rooftop. Buy a ticket through the sandbox checkout: no real money moves.",
            location_text="Terrace, 5 Church Street",
            city="Bengaluru",
            latitude=12.9752,
            longitude=77.6050,
            start_at=start,
            end_at=start + timedelta(hours=3),
            capacity=50,
            is_paid=True,
            ticket_price=Decimal("499.00"),
            currency="INR",
            allow_plus_one=True,
            allowed_genders=["all"],
            join_mode=JoinMode.OPEN,
            visibility=Visibility.PUBLIC,
            status=EventStatus.PUBLISHED,
            published_at=timezone.now(),
        )
        event.interests.set(Interest.objects.filter(slug__in=["music-and-concerts", "entertainment"]))
    return {"paid_events": Event.objects.filter(is_paid=True, status=EventStatus.PUBLISHED).count()}
