"""A failed reconciliation is an alert on the admin's front page until Finance acknowledges it with a note."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client

from loopin.audit.models import AuditEntry
from loopin.core.errors import Conflict, PermissionDenied, ValidationFailed
from loopin.looppay.ledger import user_account
from loopin.looppay.models import Account, ReconciliationRun
from loopin.looppay.reconciliation import ledger_reconcile, reconciliation_acknowledge
from loopin.looppay.tests.conftest import give_credit
from loopin.staff.groups import FINANCE, READ_ONLY, SUPPORT
from loopin.testing.fixtures import staff_in

ALERT = "LoopPay reconciliation"


def _grants() -> None:
    """Migrations looppay/0003 and 0004 again (a transactional test starts from an emptied database)."""
    for name in ("0003_staff_permissions", "0004_reconciliation_acknowledgement"):
        importlib.import_module(f"loopin.looppay.migrations.{name}").forwards(apps, None)


def _client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def _failed_run(person) -> ReconciliationRun:
    give_credit(person, "100.00")
    Account.objects.filter(id=user_account(person).id).update(balance=Decimal("90.00"))
    run = ledger_reconcile()
    assert run.ok is False
    return run


def test_finance_sees_the_failed_run_on_the_admin_index_and_the_dashboard(person):
    staff = staff_in(FINANCE)
    _grants()
    run = _failed_run(person)
    client = _client(staff)
    page = client.get("/admin/").content.decode()
    assert ALERT in page
    assert "1 failed run not acknowledged." in page
    assert "found 1 problem(s): cached_balance." in page
    assert f'href="/admin/looppay/reconciliationrun/{run.pk}/change/"' in page
    assert ALERT in client.get("/admin/dashboard/").content.decode()


def test_staff_who_may_not_view_runs_see_no_alert(person):
    staff = staff_in(SUPPORT)
    _grants()
    _failed_run(person)
    r = _client(staff).get("/admin/")
    assert r.status_code == 200
    assert ALERT not in r.content.decode()


def test_a_clean_ledger_raises_no_alert(person):
    staff = staff_in(FINANCE)
    _grants()
    give_credit(person, "100.00")
    assert ledger_reconcile().ok is True
    assert ALERT not in _client(staff).get("/admin/").content.decode()


def test_finance_acknowledges_with_a_note_in_the_admin_and_the_alert_closes_audited(person):
    staff = staff_in(FINANCE)
    _grants()
    run = _failed_run(person)
    client = _client(staff)
    url = f"/admin/looppay/reconciliationrun/{run.pk}/change/"
    r = client.post(url, {"acknowledgement": "Cache drift after a manual SQL fix; balance recomputed."})
    assert r.status_code == 302, r.content.decode()[:2000]
    run.refresh_from_db()
    assert (run.acknowledged_by_id, run.acknowledgement) == (
        staff.pk,
        "Cache drift after a manual SQL fix; balance recomputed.",
    )
    assert run.acknowledged_at is not None
    audit = AuditEntry.objects.get(action="looppay.reconciliation_acknowledged")
    assert (audit.actor_id, audit.data) == (
        staff.pk,
        {"problems": 1, "note": "Cache drift after a manual SQL fix; balance recomputed."},
    )
    assert ALERT not in client.get("/admin/").content.decode()


def test_read_only_staff_see_the_alert_but_cannot_acknowledge(person):
    staff = staff_in(READ_ONLY)
    _grants()
    run = _failed_run(person)
    client = _client(staff)
    assert ALERT in client.get("/admin/").content.decode()
    r = client.post(f"/admin/looppay/reconciliationrun/{run.pk}/change/", {"acknowledgement": "looked"})
    assert r.status_code == 403
    run.refresh_from_db()
    assert (run.acknowledged_at, run.acknowledgement) == (None, "")


def test_acknowledging_needs_a_note_a_failed_run_and_happens_once(person):
    staff = staff_in(FINANCE)
    _grants()
    run = _failed_run(person)
    with pytest.raises(ValidationFailed):
        reconciliation_acknowledge(staff=staff, run_id=run.pk, note="   ")
    first = reconciliation_acknowledge(staff=staff, run_id=run.pk, note="first look")
    again = reconciliation_acknowledge(staff=staff, run_id=run.pk, note="second look")
    assert (first.acknowledgement, again.acknowledgement) == ("first look", "first look")
    assert AuditEntry.objects.filter(action="looppay.reconciliation_acknowledged").count() == 1
    Account.objects.filter(id=user_account(person).id).update(balance=Decimal("100.00"))
    clean = ledger_reconcile()
    with pytest.raises(Conflict):
        reconciliation_acknowledge(staff=staff, run_id=clean.pk, note="nothing")


def test_a_later_clean_run_does_not_close_an_unacknowledged_alert(person):
    staff = staff_in(FINANCE)
    _grants()
    _failed_run(person)
    Account.objects.filter(id=user_account(person).id).update(balance=Decimal("100.00"))
    assert ledger_reconcile().ok is True
    assert "1 failed run not acknowledged." in _client(staff).get("/admin/").content.decode()


def test_support_staff_may_not_acknowledge_through_the_service(person):
    staff = staff_in(SUPPORT)
    _grants()
    run = _failed_run(person)
    with pytest.raises(PermissionDenied):
        reconciliation_acknowledge(staff=staff, run_id=run.pk, note="x")
