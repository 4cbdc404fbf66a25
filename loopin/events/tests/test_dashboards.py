"""Events' dashboard panels: events created/published per day, host leads and their state."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from loopin.accounts.models import User
from loopin.events.dashboards import events_per_day, host_leads
from loopin.events.models import EventStatus, HostLead
from loopin.staff.dashboards import Period
from loopin.testing.factories import PublishedEventFactory


def test_events_are_counted_when_created_and_when_published(db):
    PublishedEventFactory(title="Published today")
    PublishedEventFactory(title="Draft", status=EventStatus.DRAFT, published_at=None)
    PublishedEventFactory(title="Cancelled", status=EventStatus.CANCELLED)
    PublishedEventFactory(title="Deleted", deleted_at=timezone.now())
    stats, chart = events_per_day(Period.last(7))
    assert list(stats.items) == [
        ("Created", 3),
        ("Published", 2),
        ("Live now (published)", 1),
        ("Drafts", 1),
        ("Cancelled", 1),
    ]
    assert [list(s.values) for s in chart.series] == [[0] * 6 + [3], [0] * 6 + [2]]


def test_host_leads_by_state_and_the_waiting_list(db):
    for i, state in enumerate(["new", "new", "contacted", "converted"]):
        HostLead.objects.create(first_name=f"Asha{i}", last_name="K", phone_number=f"+91620582937{i}", state=state)
    old = HostLead.objects.create(first_name="Old", last_name="Lead", phone_number="+916205829379")
    HostLead.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    stats, chart, table = host_leads(Period.last(30))
    assert list(stats.items) == [
        ("New in period", 4),
        ("New", 3),
        ("Contacted", 1),
        ("Converted", 1),
        ("Rejected", 0),
    ]
    assert sum(chart.series[0].values) == 4
    assert sorted(row[0] for row in table.rows) == ["Asha0 K", "Asha1 K", "Asha2 K", "Old Lead"]


def test_the_dashboard_shows_the_event_panels_to_staff_who_may_view_events(db):
    PublishedEventFactory(title="Published today")
    staff = User.objects.create_superuser(phone_number="+919999999999", password="a-long-admin-password")
    client = Client()
    client.force_login(staff)
    html = client.get("/admin/dashboard/?days=7").content.decode()
    assert "Events created and published" in html
    assert "Host leads" in html
