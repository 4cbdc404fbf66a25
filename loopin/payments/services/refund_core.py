"""Opening a refund, the one core of ticket orders' refunds (`refunds.py`) and charges' (`charges.py`).

On a paid row locked by the caller (an `Order`, a `Charge`): a key already used returns its first refund; the
amount is quantized and must be positive and at most what is left to refund (REFUND_TOO_LARGE otherwise); the
refund rows are recorded (one, or the parts the kind splits it into), the paid row's `amount_refunded` and status
updated; then for each row the kind's hook runs, it is audited, and it is sent to the provider after commit
(once per key). What differs between the two is a `RefundKind`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.money import quantize

# (amount, idempotency key, the row's other fields)
RefundPart = tuple[Decimal, str, dict[str, Any]]


def refunded_status(amount_refunded: Decimal, total: Decimal) -> str:
    """A paid row's status from what was refunded of it (the same values for orders and charges)."""
    if amount_refunded <= 0:
        return "paid"
    if amount_refunded >= total:
        return "refunded"
    return "partially_refunded"


def _whole(paid: Any, amount: Decimal, key: str) -> list[RefundPart]:
    return [(amount, key, {})]


@dataclass(frozen=True)
class RefundKind:
    """What a refund of one kind of paid row is: its model, its link, what was paid, how it is split and sent."""

    model: Any  # the refund model: Refund or ChargeRefund
    parent: str  # the refund's foreign key to the paid row ("order", "charge")
    paid_total: Callable[[Any], Decimal]  # what was paid: an order's total, a charge's amount
    action: str  # the audit action of a new refund
    submit: Callable[[str], Any]  # sends one refund (its id) to the provider: a task's delay
    parts: Callable[[Any, Decimal, str], list[RefundPart]] = _whole  # (paid, amount, key) -> the rows to record
    after: Callable[[Any, Any], object] | None = None  # (paid, refund) for each row, before it is audited
    audited_fields: tuple[str, ...] = field(default=())  # more of the refund's fields in its audit entry


def refund_open(
    kind: RefundKind, paid: Any, *, amount: Decimal, reason: str, key: str, actor: User | None = None
) -> Any:
    """Record a refund on a locked, paid row and send it to the provider after commit (once per key); the first
    row recorded is returned."""
    existing = kind.model.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    total = kind.paid_total(paid)
    amount = quantize(amount, paid.currency)
    if amount <= 0 or amount > total - paid.amount_refunded:
        raise BusinessRuleError(
            "The refund is more than what is left to refund.",
            code=PaymentErrorCode.REFUND_TOO_LARGE,
            details={"refundable": str(total - paid.amount_refunded)},
        )
    created_by = actor if getattr(actor, "pk", None) else None
    refunds = [
        kind.model.objects.create(
            **{kind.parent: paid},
            amount=part,
            reason=reason[:64],
            idempotency_key=part_key,
            created_by=created_by,
            **fields,
        )
        for part, part_key, fields in kind.parts(paid, amount, key)
    ]
    paid.amount_refunded += amount
    paid.status = refunded_status(paid.amount_refunded, total)
    paid.save(update_fields=["amount_refunded", "status", "updated_at"])
    for refund in refunds:
        if kind.after is not None:
            kind.after(paid, refund)
        audit_record(
            action=kind.action,
            actor=actor,
            obj=refund,
            subject=paid.user,
            data={
                f"{kind.parent}_id": str(paid.id),
                "amount": str(refund.amount),
                "reason": reason,
                **{name: getattr(refund, name) for name in kind.audited_fields},
            },
        )
        transaction.on_commit(partial(kind.submit, str(refund.id)))
    return refunds[0]
