"""On refund: take back the same proportion from every share (cumulative, so the parts add up exactly), from the
card rows what the card payment can no longer carry and from the credits rows the rest."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from loopin.audit.services import audit_record
from loopin.core.errors import LoopinError
from loopin.payments.models import (
    Order,
    Refund,
    RefundStatus,
    ReversalStatus,
    Settlement,
    SettlementFunding,
    SettlementMethod,
    SettlementReversal,
    SettlementStatus,
)
from loopin.payments.money import from_minor, to_minor
from loopin.payments.providers import get_settling_provider
from loopin.payments.settlement.failures import provider_error
from loopin.payments.settlement.splits import split_minor
from loopin.payments.signals import reversal_due

# on refund


def _taken_back(settlement: Settlement) -> int:
    total = settlement.reversals.exclude(refund__status=RefundStatus.FAILED).aggregate(s=Sum("amount"))["s"]
    return to_minor(total or Decimal("0"), settlement.currency)


def _split_back(total: int, shares: list[Settlement]) -> list[int]:
    return split_minor(total, [to_minor(s.amount, s.currency) for s in shares]) if shares else []


def reversals_plan(order: Order, refund: Refund) -> list[SettlementReversal]:
    """A refund's host part, taken back from the order's shares in proportion (called in the refund's
    transaction, order locked); transfers are reversed at the provider after commit.

    Cumulative over the order's refunds that did not fail: the card rows keep what the card payment can still
    carry (the card money not refunded, less the platform's fee not refunded, at most the host earning not
    refunded) and give back the rest; the credits rows give back the remainder of the host amount refunded."""
    shares = sorted(order.settlements.all(), key=lambda s: (not s.is_owner, s.created_at, s.id))
    if not shares:
        return []
    live = order.refunds.exclude(status=RefundStatus.FAILED)
    sums = live.aggregate(amount=Sum("amount"), host=Sum("host_amount"))
    card_refunded = live.filter(to_credits=False).aggregate(s=Sum("amount"))["s"]

    def minor(value: Decimal | None) -> int:
        return to_minor(value or Decimal("0"), order.currency)

    host_back = minor(sums["host"])
    fee_left = minor(order.fee_amount) - (minor(sums["amount"]) - host_back)
    card_left = minor(order.amount_due) - minor(card_refunded)
    card = [s for s in shares if s.funding == SettlementFunding.CARD]
    credits = [s for s in shares if s.funding == SettlementFunding.CREDITS]
    card_total = sum(to_minor(s.amount, s.currency) for s in card)
    card_keeps = max(0, min(card_total, minor(order.host_earning) - host_back, card_left - fee_left))
    card_back = card_total - card_keeps
    credits_back = min(sum(to_minor(s.amount, s.currency) for s in credits), max(0, host_back - card_back))
    targets = _split_back(card_back, card) + _split_back(credits_back, credits)
    rows = []
    for s, target in zip(card + credits, targets, strict=True):
        delta = min(target, to_minor(s.amount, s.currency)) - _taken_back(s)
        if delta <= 0:
            continue
        manual = s.method == SettlementMethod.PAYOUT
        rows.append(
            SettlementReversal.objects.create(
                settlement=s,
                refund=refund,
                amount=from_minor(delta, s.currency),
                status=ReversalStatus.RECORDED if manual else ReversalStatus.PENDING,
            )
        )
        if manual:
            Settlement.objects.filter(id=s.id).update(
                amount_reversed=F("amount_reversed") + from_minor(delta, s.currency)
            )
    pending = [str(r.id) for r in rows if r.status == ReversalStatus.PENDING]
    if pending:
        transaction.on_commit(
            lambda: [reversal_due.send(sender=SettlementReversal, reversal_id=rid) for rid in pending]
        )
    return rows


def reversal_submit(*, reversal_id: uuid.UUID | str) -> str:
    """Reverse a refund's part of a transfer at the provider (once: row lock and our key). Waits while the
    transfer itself is not made yet (the transfer runs it afterwards)."""
    with transaction.atomic():
        r = (
            SettlementReversal.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("settlement")
            .filter(id=reversal_id)
            .first()
        )
        if r is None:
            return "busy"
        s = r.settlement
        if r.status not in (ReversalStatus.PENDING, ReversalStatus.FAILED):
            return r.status
        if s.method == SettlementMethod.PAYOUT:
            r.status = ReversalStatus.RECORDED
            r.save(update_fields=["status"])
            return r.status
        if s.status != SettlementStatus.TRANSFERRED:
            return r.status
        r.attempts += 1
        key = f"reversal-{r.id}"
        try:
            reversal_id_at_provider = get_settling_provider(s.provider).transfer_reverse(
                s.provider_transfer_id, amount_minor=to_minor(r.amount, s.currency), key=key
            )
        except LoopinError as exc:
            r.status, r.error = ReversalStatus.FAILED, provider_error(exc)
            r.save(update_fields=["status", "error", "attempts"])
            audit_record(action="settlement.reversal_failed", obj=r, data={"error": r.error})
            return r.status
        r.status, r.error = ReversalStatus.REVERSED, ""
        r.provider_reversal_id = reversal_id_at_provider[:128]
        r.reversed_at = timezone.now()
        r.save(update_fields=["status", "error", "attempts", "provider_reversal_id", "reversed_at"])
        Settlement.objects.filter(id=s.id).update(amount_reversed=F("amount_reversed") + r.amount)
        audit_record(
            action="settlement.reversed",
            obj=r,
            data={"settlement_id": str(s.id), "amount": str(r.amount), "reversal_id": r.provider_reversal_id},
        )
    return ReversalStatus.REVERSED
