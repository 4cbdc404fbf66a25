"""The nightly reconciliation finds cached balances that drifted, unbalanced entries and top-ups out of step."""

from __future__ import annotations

from decimal import Decimal

from loopin.looppay.alerts import reconciliation_alerts
from loopin.looppay.ledger import post, provider_account, user_account
from loopin.looppay.models import Account, EntryReason, ReconciliationRun
from loopin.looppay.reconciliation import ledger_reconcile
from loopin.looppay.spending import spend
from loopin.looppay.tests.conftest import give_credit
from loopin.looppay.topups import topup_start
from loopin.payments.charge_models import Charge, ChargeRefund
from loopin.payments.money import to_minor
from loopin.payments.services.charges import (
    charge_confirm,
    charge_refund,
    charge_refund_record_external,
)


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


def _paid_topup(person, amount: str) -> Charge:
    charge = topup_start(user=person, amount=amount)
    return charge_confirm(
        charge_id=charge.id, payment_id=f"pay_{charge.id.hex[:8]}", provider=charge.provider,
        amount_minor=to_minor(Decimal(amount), "INR"), currency="INR",
    )  # fmt: skip


def test_refunded_top_ups_with_their_clawbacks_reconcile_clean(person):
    refunded = _paid_topup(person, "500.00")
    charge_refund(charge_id=refunded.id, amount=Decimal("120.50"), reason="requested")  # taken back: 120.50
    spent = _paid_topup(person, "50.00")
    spend(user=person, amount="409.50", key="s", purpose="parking", reference="p")  # 20.00 left
    charge_refund_record_external(charge_id=spent.id, provider_refund_id="rfnd_dash", amount_minor=5000)
    assert Charge.objects.get(id=spent.id).review_reason  # 20.00 taken back, 30.00 was spent: flagged
    run = ledger_reconcile()
    assert (run.ok, run.problems) == (True, [])


def test_a_refund_without_its_clawback_and_a_clawback_without_its_refund_are_reported(person):
    charge = _paid_topup(person, "500.00")
    # A refund recorded without taking the credits back (what the check is for), and one whose amount drifted.
    missing = ChargeRefund.objects.create(charge=charge, amount=Decimal("100.00"), reason="requested",
                                          idempotency_key="k1")  # fmt: skip
    drifted = charge_refund(charge_id=charge.id, amount=Decimal("40.00"), reason="requested")
    ChargeRefund.objects.filter(id=drifted.id).update(amount=Decimal("45.00"))
    stray = post(
        "topup-refund:00000000-0000-0000-0000-000000000000",
        [(user_account(person), Decimal("-10.00")), (provider_account("sandbox"), Decimal("10.00"))],
        reason=EntryReason.TOPUP_REFUND, reference=str(charge.id),
    )  # fmt: skip
    run = ledger_reconcile()
    assert run.ok is False
    assert run.problems == [
        {"check": "topup_refund", "charge": str(charge.id), "refund": str(missing.id), "status": "pending",
         "refunded": "100.00", "taken_back": None, "given_back": None},
        {"check": "topup_refund", "charge": str(charge.id), "refund": str(drifted.id), "status": "processed",
         "refunded": "45.00", "taken_back": "40.00", "given_back": None},
        {"check": "topup_refund_without_refund", "entry": stray.idempotency_key, "charge": str(charge.id),
         "amount": "10.00"},
    ]  # fmt: skip
    [alert] = reconciliation_alerts()  # the admin alert, as for the other checks
    assert "found 3 problem(s): topup_refund, topup_refund_without_refund." in alert.message
