"""The nightly reconciliation finds cached balances that drifted, unbalanced entries and top-ups out of step."""

from __future__ import annotations

from decimal import Decimal

from loopin.looppay.ledger import user_account
from loopin.looppay.models import Account, ReconciliationRun
from loopin.looppay.reconciliation import ledger_reconcile
from loopin.looppay.spending import spend
from loopin.looppay.tests.conftest import give_credit
from loopin.payments.charge_models import Charge


def test_a_consistent_ledger_reconciles_clean(person):
    give_credit(person, "100.00")
    spend(user=person, amount="40", key="s", purpose="parking", reference="p")
    run = ledger_reconcile()
    assert (run.ok, run.problems, run.accounts_checked, run.entries_checked) == (True, [], 3, 2)


def test_a_drifted_cached_balance_and_a_paid_top_up_never_credited_are_reported(person):
    give_credit(person, "100.00")
    account = user_account(person)
    Account.objects.filter(id=account.id).update(balance=Decimal("90.00"))
    charge = Charge.objects.create(
        user=person, purpose="looppay_topup", reference="r", description="x", provider="sandbox",
        amount=Decimal("25.00"), status="paid",
    )  # fmt: skip
    run = ledger_reconcile()
    assert run.ok is False
    assert run.problems == [
        {"check": "cached_balance", "account": f"user:{person.pk}", "cached": "90.00", "lines": "100.00"},
        {"check": "topup", "charge": str(charge.id), "paid": "25.00", "credited": None},
    ]
    assert ReconciliationRun.objects.get().ok is False
