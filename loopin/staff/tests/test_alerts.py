"""Staff alerts on the admin's front page: shown by permission, escaped, and a broken source never breaks the page."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.test import Client

from loopin.accounts.models import User
from loopin.staff import alerts
from loopin.staff.alerts import Alert, AlertSource, register_alert_source


def _broken() -> list[Alert]:
    raise RuntimeError("the check's own bug")


def _staff() -> Client:
    staff = User.objects.create_user(phone_number="+919999999996", password="a-long-password", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_user"))
    client = Client()
    client.force_login(staff)
    return client


def test_an_alert_shows_to_staff_with_its_permission_only_and_escaped(db, monkeypatch):
    monkeypatch.setattr(alerts, "_sources", {})
    register_alert_source(
        AlertSource(
            key="t.one",
            permission="accounts.view_otpcode",
            build=lambda: [Alert(title="Payouts <stuck>", message="3 waiting", url="/admin/")],
        )
    )
    client = _staff()
    assert "Payouts" not in client.get("/admin/").content.decode()
    User.objects.get(phone_number="+919999999996").user_permissions.add(Permission.objects.get(codename="view_otpcode"))
    html = client.get("/admin/").content.decode()
    assert '<p class="errornote" role="alert"><strong>Payouts &lt;stuck&gt;</strong>: 3 waiting' in html


def test_a_failing_source_shows_that_it_could_not_be_checked(db, monkeypatch):
    monkeypatch.setattr(alerts, "_sources", {})
    register_alert_source(AlertSource(key="t.broken", permission="accounts.view_user", build=_broken))
    r = _staff().get("/admin/")
    assert r.status_code == 200
    assert "<strong>t.broken</strong>: This check could not be run; see the error log." in r.content.decode()
