"""The nightly reconciliation of the ledger, and the alert staff see when it finds anything.

Checks: every account's cached balance equals the sum of its lines; every entry's lines sum to zero, and so
does the whole ledger; no held account is below zero; every paid top-up charge has exactly one top-up entry of
its amount, and every top-up entry belongs to a paid top-up charge; every refund of a top-up charge has exactly
its clawback entry (`topup-refund:<refund id>` taking back the refund's amount; none for a top-up never credited;
a failed refund's clawback given back in full; a refund made at the provider after credits were spent takes back
at most its amount, the charge flagged for staff), and every clawback entry has its refund.

Each run is stored (`ReconciliationRun`, admin: LoopPay > Reconciliation runs). A run with problems logs
`looppay_reconciliation_failed` at error level (Sentry alerts on it) and is an open staff alert (the admin's
index and dashboard, for staff who may view runs; loopin/looppay/alerts.py) until someone holding
`looppay.acknowledge_reconciliationrun` acknowledges it with a note (`reconciliation_acknowledge`, audited).
A later clean run does not close it: money that went out of step and came back is still something a person
must look at.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from loopin.audit.services import audit_record
from loopin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from loopin.core.logging import get_logger
from loopin.looppay.ledger import CENT
from loopin.looppay.models import HELD_KINDS, Account, EntryReason, JournalEntry, Line, ReconciliationRun
from loopin.looppay.topups import TOPUP
from loopin.payments.charge_models import CHARGE_SETTLED, Charge, ChargeRefund
from loopin.payments.charge_purposes import PROVIDER_INITIATED
from loopin.payments.models import RefundStatus

if TYPE_CHECKING:
    from loopin.accounts.models import User

log = get_logger("loopin.looppay")
ACKNOWLEDGE_PERMISSION = "looppay.acknowledge_reconciliationrun"
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _m(value: Decimal) -> str:
    return f"{Decimal(value).quantize(CENT)}"


def _account_problems() -> tuple[int, list[dict[str, Any]]]:
    sums = Line.objects.filter(account=OuterRef("pk")).values("account").annotate(s=Sum("amount")).values("s")
    accounts = Account.objects.annotate(lines_sum=Coalesce(Subquery(sums), ZERO))
    problems = []
    for a in accounts.only("id", "key", "kind", "balance"):
        if a.balance != a.lines_sum:
            problems.append(
                {"check": "cached_balance", "account": a.key, "cached": _m(a.balance), "lines": _m(a.lines_sum)}
            )
        if a.kind in HELD_KINDS and a.lines_sum < 0:
            problems.append({"check": "negative", "account": a.key, "lines": _m(a.lines_sum)})
    return accounts.count(), problems


def _entry_problems() -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = [
        {"check": "entry_unbalanced", "entry": str(row["entry"]), "sum": _m(row["s"])}
        for row in Line.objects.values("entry").annotate(s=Sum("amount")).exclude(s=0)
    ]
    total = Line.objects.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    if total != 0:
        problems.append({"check": "ledger_sum", "sum": _m(total)})
    return problems


def _topup_problems() -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = []
    credited = {
        e.reference: sum((line.amount for line in e.lines.all() if line.amount > 0), Decimal("0"))
        for e in JournalEntry.objects.filter(reason=EntryReason.TOPUP).prefetch_related("lines")
    }
    paid = Charge.objects.filter(purpose=TOPUP, status__in=CHARGE_SETTLED).exclude(fulfilment__startswith="not ")
    for charge in paid.only("id", "amount"):
        got = credited.pop(str(charge.id), None)
        if got != charge.amount:
            problems.append(
                {
                    "check": "topup",
                    "charge": str(charge.id),
                    "paid": _m(charge.amount),
                    "credited": _m(got) if got is not None else None,
                }
            )
    for reference, amount in credited.items():
        problems.append({"check": "topup_without_payment", "charge": reference, "credited": _m(amount)})
    return problems


def _credited(entry: JournalEntry) -> Decimal:
    return sum((line.amount for line in entry.lines.all() if line.amount > 0), Decimal("0"))


def _clawback_expected(refund: ChargeRefund, taken: Decimal | None, back: Decimal | None, credited: bool) -> bool:
    """Whether a top-up refund's clawback entries (`taken`, and `back` when a failed refund gave them back) are
    exactly what the refund calls for (loopin/looppay/topups.py)."""
    if not credited:
        return taken is None and back is None  # a top-up never credited has nothing to take back
    if refund.status == RefundStatus.FAILED:
        return back == taken  # none at all, or taken back and then given back in full
    if back is not None:
        return False
    if refund.reason == PROVIDER_INITIATED and refund.charge.review_reason:
        return (taken or Decimal("0")) <= refund.amount  # the spent part could not be taken back: flagged already
    return taken == refund.amount


def _topup_refund_problems() -> list[dict[str, Any]]:
    """Every refund of a top-up charge has exactly its clawback entry, and every clawback entry its refund."""
    entries = {
        e.idempotency_key: e
        for e in JournalEntry.objects.filter(reason=EntryReason.TOPUP_REFUND).prefetch_related("lines")
    }
    credited = set(JournalEntry.objects.filter(reason=EntryReason.TOPUP).values_list("reference", flat=True))
    problems: list[dict[str, Any]] = []
    refunds = ChargeRefund.objects.filter(charge__purpose=TOPUP).select_related("charge").order_by("created_at", "id")
    for refund in refunds:
        key = f"topup-refund:{refund.id}"
        found = [entries.pop(k, None) for k in (key, f"{key}:failed")]
        taken, back = (_credited(e) if e is not None else None for e in found)
        wrong_charge = any(e is not None and e.reference != str(refund.charge_id) for e in found)
        if wrong_charge or not _clawback_expected(refund, taken, back, str(refund.charge_id) in credited):
            problems.append(
                {
                    "check": "topup_refund",
                    "charge": str(refund.charge_id),
                    "refund": str(refund.id),
                    "status": refund.status,
                    "refunded": _m(refund.amount),
                    "taken_back": _m(taken) if taken is not None else None,
                    "given_back": _m(back) if back is not None else None,
                }
            )
    for key, entry in entries.items():
        problems.append(
            {
                "check": "topup_refund_without_refund",
                "entry": key,
                "charge": entry.reference,
                "amount": _m(_credited(entry)),
            }
        )
    return problems


def ledger_reconcile() -> ReconciliationRun:
    """Check the whole ledger once (beat: nightly); store the run and alert on any problem."""
    accounts, problems = _account_problems()
    problems += _entry_problems() + _topup_problems() + _topup_refund_problems()
    run = ReconciliationRun.objects.create(
        ok=not problems, accounts_checked=accounts, entries_checked=JournalEntry.objects.count(), problems=problems
    )
    if problems:
        log.error("looppay_reconciliation_failed", run_id=run.id, problems=len(problems), first=problems[0]["check"])
    return run


def reconciliation_acknowledge(*, staff: User, run_id: int, note: str) -> ReconciliationRun:
    """Close a failed run's alert with what was found and done; once (a second acknowledgement keeps the first)."""
    if not staff.has_perm(ACKNOWLEDGE_PERMISSION):
        raise PermissionDenied("You may not acknowledge reconciliation runs.")
    note = note.strip()
    if not note:
        raise ValidationFailed.one("acknowledgement", "REQUIRED", "Say what was found and what was done.")
    with transaction.atomic():
        run = ReconciliationRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            raise NotFound("No such reconciliation run.")
        if run.ok:
            raise Conflict("A clean run has nothing to acknowledge.")
        if run.acknowledged_at is not None:
            return run
        run.acknowledged_at = timezone.now()
        run.acknowledged_by = staff
        run.acknowledgement = note[:500]
        run.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement"])
        audit_record(
            action="looppay.reconciliation_acknowledged",
            actor=staff,
            obj=run,
            data={"problems": len(run.problems), "note": note[:255]},
        )
    return run
