"""Notifications' admin dashboard panel: notifications made and pushes by outcome, per day."""

from __future__ import annotations

from loopin.notifications.models import Delivery, Device, Notification
from loopin.staff.dashboards import BarChart, Block, Panel, Period, Series, Stats, daily_counts, percent, register_panel


def pushes(period: Period) -> list[Block]:
    """Notifications made per day, and their pushes sent, failed and refused for a dead token."""

    made = daily_counts(Notification.objects.all(), "created_at", period)
    deliveries = Delivery.objects.all()
    sent = daily_counts(deliveries.filter(status=Delivery.Status.SENT), "created_at", period)
    failed = daily_counts(deliveries.filter(status=Delivery.Status.FAILED), "created_at", period)
    invalid = daily_counts(deliveries.filter(status=Delivery.Status.INVALID_TOKEN), "created_at", period)
    attempted = sum(sent) + sum(failed) + sum(invalid)
    return [
        Stats(
            [
                ("Notifications", sum(made)),
                ("Pushes sent", sum(sent)),
                ("Push success", percent(sum(sent), attempted)),
                ("Failed", sum(failed)),
                ("Dead tokens", sum(invalid)),
                ("Active devices now", Device.objects.filter(is_active=True).count()),
            ]
        ),
        BarChart(
            labels=period.labels(),
            series=[
                Series("Notifications", made),
                Series("Pushes sent", sent),
                Series("Failed", failed),
                Series("Dead tokens", invalid),
            ],
        ),
    ]


def register_notification_panels() -> None:
    register_panel(
        Panel(
            key="notifications.pushes",
            title="Notifications and pushes",
            build=pushes,
            permission="notifications.view_delivery",
            order=600,
        )
    )
