"""Accounts' admin dashboard panels: the sign-up funnel and the state of accounts."""

from __future__ import annotations

from loopin.accounts.models import PhoneLead, User
from loopin.staff.dashboards import BarChart, Block, Panel, Period, Series, Stats, daily_counts, percent, register_panel


def signup_funnel(period: Period) -> list[Block]:
    """Leads by the day they first asked for a code; of them, how many verified and completed a profile."""

    leads = PhoneLead.objects.all()
    per_day = daily_counts(leads, "first_requested_at", period)
    verified = daily_counts(leads.filter(verified_at__isnull=False), "first_requested_at", period)
    complete = daily_counts(leads.filter(user__profile_completed_at__isnull=False), "first_requested_at", period)
    total, total_verified, total_complete = sum(per_day), sum(verified), sum(complete)
    return [
        Stats(
            [
                ("OTP leads", total),
                ("Verified", total_verified),
                ("Lead → verified", percent(total_verified, total)),
                ("Complete profiles", total_complete),
                ("Verified → complete", percent(total_complete, total_verified)),
            ]
        ),
        BarChart(
            labels=period.labels(),
            series=[Series("OTP leads", per_day), Series("Verified", verified), Series("Complete profile", complete)],
        ),
    ]


def accounts_now(period: Period) -> list[Block]:
    """Counts right now, and sign-ups and deletions in the period."""

    users = User.objects.alive().filter(is_staff=False)
    return [
        Stats(
            [
                ("Accounts", users.count()),
                ("Complete profiles", users.filter(profile_completed_at__isnull=False).count()),
                ("On the waitlist", users.filter(promote_at__isnull=False, promoted_at__isnull=True).count()),
                ("Suspended", users.filter(is_suspended=True).count()),
                ("Deleted in period", sum(daily_counts(User.objects.all(), "deleted_at", period))),
            ]
        ),
        BarChart(
            labels=period.labels(),
            series=[
                Series("New accounts", daily_counts(User.objects.all(), "date_joined", period)),
                Series("Deleted", daily_counts(User.objects.all(), "deleted_at", period)),
            ],
        ),
    ]


def register_account_panels() -> None:
    register_panel(
        Panel(
            key="accounts.signup_funnel",
            title="Sign-up funnel: OTP leads, verified, complete profiles",
            build=signup_funnel,
            permission="accounts.view_phonelead",
            order=10,
            description="Each lead counts on the day it first asked for a code; conversion is of those leads.",
        )
    )
    register_panel(
        Panel(
            key="accounts.accounts",
            title="Accounts",
            build=accounts_now,
            permission="accounts.view_user",
            order=20,
        )
    )
