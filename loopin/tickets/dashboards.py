"""Tickets' admin dashboard panel: check-in rates of the events that ended or ran in the period."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from loopin.events.models import Event
from loopin.staff.dashboards import Block, Panel, Period, Stats, Table, percent, register_panel

MAX_ROWS = 30


def checkin_rates(period: Period) -> list[Block]:
    """Per event that started in the period: valid tickets, checked in, no-shows, and the rate."""
    events = list(
        Event.objects.filter(start_at__gte=period.start, start_at__lt=min(period.end, timezone.now()))
        .alive()
        .annotate(
            expected=Count("tickets", filter=Q(tickets__status="valid")),
            checked_in=Count("tickets", filter=Q(tickets__status="valid", tickets__checked_in_at__isnull=False)),
            no_shows=Count("tickets", filter=Q(tickets__status="valid", tickets__no_show_at__isnull=False)),
        )
        .filter(expected__gt=0)
        .order_by("-start_at")[:MAX_ROWS]
    )
    expected = sum(e.expected for e in events)
    checked_in = sum(e.checked_in for e in events)
    return [
        Stats(
            [
                ("Events", len(events)),
                ("Tickets", expected),
                ("Checked in", checked_in),
                ("Check-in rate", percent(checked_in, expected)),
            ]
        ),
        Table(
            columns=["Event", "Starts", "Tickets", "Checked in", "No-shows", "Rate"],
            rows=[
                (
                    e.title,
                    e.start_at.astimezone(period.tz).strftime("%Y-%m-%d %H:%M"),
                    e.expected,
                    e.checked_in,
                    e.no_shows,
                    percent(e.checked_in, e.expected),
                )
                for e in events
            ],
        ),
    ]


def register_ticket_panels() -> None:
    register_panel(
        Panel(
            key="tickets.checkin_rates",
            title="Check-in rates per event",
            build=checkin_rates,
            permission="tickets.view_scan",
            order=300,
            description="Events that started in the period, with valid tickets: how many came in.",
        )
    )
