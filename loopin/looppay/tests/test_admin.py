"""The admin: ledger pages read-only; manual adjustments with a reason, by permission, posted and audited."""

from __future__ import annotations

import importlib
from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.test import Client
from django.utils import timezone

from loopin.audit.models import AuditEntry
from loopin.looppay.models import Adjustment, JournalEntry
from loopin.looppay.selectors import balance_detail, credit_balance
from loopin.looppay.tests.conftest import give_credit
from loopin.staff.groups import FINANCE, SUPPORT
from loopin.testing.fixtures import staff_in

ADD = "/admin/looppay/adjustment/add/"


def _client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def _apply_looppay_grants() -> None:
    """The grants of migration looppay/0003, applied again (a transactional test starts from an emptied database)."""
    importlib.import_module("loopin.looppay.migrations.0003_staff_permissions").forwards(apps, None)


def test_finance_adds_paid_credit_with_a_reason_posted_once_and_audited(person):
    staff = staff_in(FINANCE)
    _apply_looppay_grants()
    r = _client(staff).post(
        ADD, {"user": person.pk, "credit": "paid", "amount": "250.00", "reason": "Goodwill: late start"}
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    adjustment = Adjustment.objects.get()
    assert (adjustment.entry.reason, adjustment.entry.memo, adjustment.created_by_id) == (
        "adjustment",
        "Goodwill: late start",
        staff.pk,
    )
    assert credit_balance(person) == Decimal("250.00")
    audit = AuditEntry.objects.get(action="looppay.adjustment")
    assert audit.data["reason"] == "Goodwill: late start"


def test_a_promotional_grant_from_the_admin_expires(person):
    staff = staff_in(FINANCE)
    _apply_looppay_grants()
    expires = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    r = _client(staff).post(
        ADD,
        {
            "user": person.pk,
            "credit": "promotional",
            "amount": "75",
            "expires_at_0": expires.strftime("%Y-%m-%d"),
            "expires_at_1": expires.strftime("%H:%M:%S"),
            "reason": "Launch week",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert balance_detail(person)["promotional"] == Decimal("75.00")


def test_staff_without_the_permission_cannot_adjust_and_ledger_pages_are_read_only(person):
    give_credit(person, "10.00")
    support = _client(staff_in(SUPPORT))
    assert support.get(ADD).status_code == 403
    finance = staff_in(FINANCE)
    _apply_looppay_grants()
    client = _client(finance)
    entry = JournalEntry.objects.get()
    assert client.get(f"/admin/looppay/journalentry/{entry.pk}/change/").status_code == 200
    assert client.get(f"/admin/looppay/journalentry/{entry.pk}/delete/").status_code == 403
    assert client.get("/admin/looppay/journalentry/add/").status_code == 403
    assert client.get("/admin/looppay/account/").status_code == 200


def test_a_negative_adjustment_below_zero_posts_nothing(person):
    give_credit(person, "10.00")
    staff = staff_in(FINANCE)
    _apply_looppay_grants()
    r = _client(staff).post(ADD, {"user": person.pk, "credit": "paid", "amount": "-10.01", "reason": "Correction"})
    assert r.status_code == 302
    assert credit_balance(person) == Decimal("10.00")
    assert Adjustment.objects.count() == 0
