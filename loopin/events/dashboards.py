"""Events' admin dashboard panels: events created and published per day; host leads and their state."""

from __future__ import annotations

from django.db.models import Count

from loopin.events.models import Event, EventStatus, HostLead
from loopin.staff.dashboards import BarChart, Block, Panel, Period, Series, Stats, Table, daily_counts, register_panel


def events_per_day(period: Period) -> list[Block]:
    """Events created (drafts included) and published per day, and what is live right now."""
    events = Event.objects.alive()
    created = daily_counts(events, "created_at", period)
    published = daily_counts(events.filter(published_at__isnull=False), "published_at", period)
    by_status = dict(events.values_list("status").annotate(n=Count("pk")).order_by())
    return [
        Stats(
            [
                ("Created", sum(created)),
                ("Published", sum(published)),
                ("Live now (published)", by_status.get(EventStatus.PUBLISHED, 0)),
                ("Drafts", by_status.get(EventStatus.DRAFT, 0)),
                ("Cancelled", by_status.get(EventStatus.CANCELLED, 0)),
            ]
        ),
        BarChart(labels=period.labels(), series=[Series("Created", created), Series("Published", published)]),
    ]


def host_leads(period: Period) -> list[Block]:
    """People who asked to become hosts: new in the period, and how far each state has got."""
    leads = HostLead.objects.all()
    per_day = daily_counts(leads, "created_at", period)
    by_state = dict(leads.values_list("state").annotate(n=Count("pk")).order_by())
    return [
        Stats(
            [
                ("New in period", sum(per_day)),
                *((label, by_state.get(value, 0)) for value, label in HostLead.State.choices),
            ]
        ),
        BarChart(labels=period.labels(), series=[Series("Host leads", per_day)]),
        Table(
            columns=["Name", "State", "Asked on"],
            rows=[
                (f"{lead.first_name} {lead.last_name}", lead.get_state_display(), lead.created_at.date().isoformat())
                for lead in leads.filter(state__in=[HostLead.State.NEW, HostLead.State.CONTACTED])[:10]
            ],
        ),
    ]


def register_event_panels() -> None:
    register_panel(
        Panel(
            key="events.per_day",
            title="Events created and published",
            build=events_per_day,
            permission="events.view_event",
            order=100,
        )
    )
    register_panel(
        Panel(
            key="events.host_leads",
            title="Host leads",
            build=host_leads,
            permission="events.view_hostlead",
            order=110,
            description="The table lists the ten newest leads still waiting (new or contacted).",
        )
    )
