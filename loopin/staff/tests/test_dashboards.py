"""The admin dashboard: the accounts panels' numbers, the page, and the panel registry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from loopin.accounts.dashboards import signup_funnel
from loopin.accounts.models import PhoneLead, User
from loopin.accounts.services import otp_request, otp_verify
from loopin.staff import dashboards
from loopin.staff.dashboards import BarChart, Panel, Period, Series, Stats, daily_counts
from loopin.testing.factories import PublishedEventFactory
from loopin.testing.fixtures import last_code, superuser_client

PHONES = ["+916205829371", "+916205829372", "+916205829373"]


@pytest.fixture
def funnel(db):
    """Three leads today: two verified, one of them with a complete profile."""
    for phone in PHONES:
        otp_request(phone_number=phone, purpose="signup")
    for phone in PHONES[:2]:
        otp_verify(phone_number=phone, code=last_code(phone), purpose="signup")
    User.objects.filter(phone_number=PHONES[0]).update(profile_completed_at=timezone.now())


@pytest.fixture
def staff_client(db):
    return superuser_client()[0]


def test_the_funnel_counts_leads_verified_and_complete_profiles(funnel):
    stats, chart = signup_funnel(Period.last(7))
    assert list(stats.items) == [
        ("OTP leads", 3),
        ("Verified", 2),
        ("Lead → verified", "66.7 %"),
        ("Complete profiles", 1),
        ("Verified → complete", "50.0 %"),
    ]
    assert [list(s.values) for s in chart.series] == [[0] * 6 + [3], [0] * 6 + [2], [0] * 6 + [1]]
    assert len(chart.labels) == 7


def test_days_are_counted_in_the_display_time_zone(db, app_settings):
    app_settings.DISPLAY_TIME_ZONE = "Asia/Kolkata"
    period = Period.last(3)
    # 20:00 UTC on the day before the period's last day is 01:30 on the last day in India.
    last_day = period.dates()[-1]
    evening = datetime(last_day.year, last_day.month, last_day.day, 20, 0, tzinfo=UTC) - timedelta(days=1)
    PhoneLead.objects.create(phone_number="+916205829379", first_requested_at=evening)
    assert daily_counts(PhoneLead.objects.all(), "first_requested_at", period) == [0, 0, 1]


def test_the_dashboard_page_draws_the_panels(funnel, staff_client):
    r = staff_client.get("/admin/dashboard/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Sign-up funnel: OTP leads, verified, complete profiles" in html
    charts = [b for p in dashboards.dashboard_panels() for b in p.build(Period.last(30)) if isinstance(b, BarChart)]
    assert html.count('<svg class="loopin-chart"') == len(charts)  # a superuser sees every domain's panels
    assert "66.7 %" in html
    assert "<title>" in html  # exact values on hover
    assert 'src="http' not in html and '<script src="http' not in html


def test_the_period_is_chosen_and_bounded(staff_client):
    html = staff_client.get("/admin/dashboard/?days=9999").content.decode()
    assert "<strong>365 days</strong>" in html
    html = staff_client.get("/admin/dashboard/?days=oops").content.decode()
    assert "<strong>30 days</strong>" in html


def test_the_dashboard_is_for_staff_only(db):
    User.objects.create_user(phone_number="+919999999998", password="a-long-password")
    client = Client()
    client.login(username="+919999999998", password="a-long-password")
    r = client.get("/admin/dashboard/")
    assert r.status_code == 302 and r["Location"].startswith("/admin/login/")


def test_other_domains_add_panels_shown_by_permission(db, monkeypatch):
    monkeypatch.setattr(dashboards, "_panels", dict(dashboards._panels))
    dashboards.register_panel(
        Panel(
            key="payments.revenue",
            title="Revenue <per day>",
            build=lambda period: [Stats([("Revenue", "₹1,200.00")]), BarChart(period.labels(), [Series("₹", [1] * 7)])],
            permission="accounts.view_otpcode",
            order=300,
        )
    )
    staff = User.objects.create_user(phone_number="+919999999997", password="a-long-password", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_user"))
    client = Client()
    client.force_login(staff)
    html = client.get("/admin/dashboard/?days=7").content.decode()
    assert "Revenue" not in html
    assert "Accounts" in html and "Sign-up funnel" not in html  # only the panels this person may see
    staff.user_permissions.add(Permission.objects.get(codename="view_otpcode"))
    html = client.get("/admin/dashboard/?days=7").content.decode()
    assert "Revenue &lt;per day&gt;" in html
    assert "₹1,200.00" in html


def test_the_index_links_to_the_dashboard_and_enrolment(staff_client):
    html = staff_client.get("/admin/").content.decode()
    assert 'href="/admin/dashboard/"' in html
    assert 'href="/admin/totp/"' in html


def test_admin_times_are_in_the_display_zone_and_say_so(db):
    event = PublishedEventFactory(start_at=datetime(2026, 12, 20, 13, 0, tzinfo=UTC))
    client, _ = superuser_client()
    page = client.get(f"/admin/events/event/{event.id}/change/").content.decode()
    assert 'value="2026-12-20"' in page and 'value="18:30:00"' in page  # 13:00 UTC is 18:30 in Kolkata
    listing = client.get("/admin/events/event/").content.decode()
    assert "Dec. 20, 2026, 6:30 p.m. IST" in listing
