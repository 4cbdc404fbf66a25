"""Top-ups: paid credit bought by card through the payment providers (sandbox by default).

`topup_start` opens a `payments` Charge of purpose `looppay_topup`; when the provider confirms it, `topup_paid`
(the purpose's handler, called once per charge) posts `-amount provider:<name>`, `+amount user:<id>` under the
key `topup:<charge id>`, so one provider payment credits the balance exactly once. A top-up that would break a
cap by then (another top-up went first) raises inside the confirmation and the charge is refunded in full.

A refund of a top-up's card payment takes its credits back (`topup_refunded`, the purpose's `on_refund`, in the
refund's transaction, once per refund: `topup-refund:<refund id>`, `-amount user:<id>`, `+amount provider:<name>`).
Balances never go negative, so:
- a refund we are asked to make (staff, the admin) is refused with TOPUP_CREDITS_SPENT (409) when the person's
  paid balance is lower than the refund: only the unspent credits can be refunded (`details.refundable`);
- a refund made at the provider (learnt from its webhook) takes back what is unspent, at most the refund; the
  rest is not recoverable from the balance and the charge is flagged for staff (`review_reason`).
A refund the provider fails gives the credits back (`topup-refund:<refund id>:failed`, once).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict
from loopin.core.logging import get_logger
from loopin.core.settings import get_settings
from loopin.looppay.caps import caps_check, caps_precheck
from loopin.looppay.error_codes import LoopPayErrorCode
from loopin.looppay.ledger import accounts_lock, credit_amount, post, provider_account, user_account
from loopin.looppay.models import EntryReason, JournalEntry
from loopin.payments.charge_models import Charge, ChargeRefund
from loopin.payments.charge_purposes import PROVIDER_INITIATED, ChargePurpose
from loopin.payments.services.charges import charge_create

if TYPE_CHECKING:
    from loopin.accounts.models import User

TOPUP = "looppay_topup"
log = get_logger("loopin.looppay")


def topup_start(*, user: User, amount: Any, provider: str | None = None) -> Charge:
    """Open a card payment that loads `amount` of paid credit once the provider confirms it."""
    value = credit_amount(amount)
    minimum = get_settings().LOOPPAY_MIN_TOPUP
    if value < minimum:
        raise BusinessRuleError(
            f"A top-up is at least {minimum}.", code=LoopPayErrorCode.TOPUP_TOO_SMALL, details={"minimum": str(minimum)}
        )
    caps_precheck(user_account(user), value)
    return charge_create(
        user=user,
        purpose=TOPUP,
        reference=uuid.uuid4().hex,
        amount=value,
        description="LoopPay credits",
        provider=provider,
    )


def topup_paid(charge: Charge) -> str:
    """The provider confirmed a top-up: credit it once (inside the charge's confirmation transaction)."""
    with transaction.atomic():
        account = user_account(charge.user)
        entry = post(
            f"topup:{charge.id}",
            [(provider_account(charge.provider), -charge.amount), (account, charge.amount)],
            reason=EntryReason.TOPUP,
            purpose="topup",
            reference=str(charge.id),
            memo=f"{charge.provider} {charge.provider_payment_id}"[:255],
            created_by=charge.user,
        )
        caps_check(account.id)
    return f"credited {charge.amount} (entry {entry.id})"


def topup_entry(charge: Charge) -> JournalEntry | None:
    return JournalEntry.objects.filter(idempotency_key=f"topup:{charge.id}").first()


def topup_refunded(charge: Charge, refund: ChargeRefund) -> None:
    """A top-up's card payment is being refunded: take its credits back, never below zero (module docstring)."""
    credited = topup_entry(charge)
    if credited is None:
        return  # never credited (the top-up was refused): nothing to take back
    paid, clearing = user_account(charge.user), provider_account(charge.provider)
    locked = accounts_lock([paid.id, clearing.id])  # the posting's lock order, taken before reading the balance
    unspent = locked[paid.id].balance
    take = refund.amount
    if refund.reason == PROVIDER_INITIATED:
        take = min(take, unspent)
        short = refund.amount - take
        if short > 0:
            charge.review_reason = f"refunded at the provider after {short} of its credits were spent"[:255]
            Charge.objects.filter(id=charge.id).update(review_reason=charge.review_reason)
            audit_record(
                action="topup.refund_short", obj=charge, subject=charge.user, data={"not_recovered": str(short)}
            )
            log.warning("looppay_topup_refund_short", charge_id=str(charge.id), not_recovered=str(short))
        if take <= 0:
            return
    elif unspent < take:
        left = charge.amount - (charge.amount_refunded - refund.amount)
        raise Conflict(
            "The top-up's credits were spent: only the unspent balance can be refunded.",
            code=LoopPayErrorCode.TOPUP_CREDITS_SPENT,
            details={"unspent": str(unspent), "refundable": str(min(unspent, left))},
        )
    post(
        f"topup-refund:{refund.id}",
        [(locked[paid.id], -take), (locked[clearing.id], take)],
        reason=EntryReason.TOPUP_REFUND,
        purpose="topup",
        reference=str(charge.id),
        memo=f"refund {refund.amount} ({refund.reason})"[:255],
        created_by=refund.created_by,
        reverses=credited,
    )


def topup_refund_failed(charge: Charge, refund: ChargeRefund) -> None:
    """The provider failed a top-up's refund: the credits it took back are the person's again (once)."""
    taken = JournalEntry.objects.filter(idempotency_key=f"topup-refund:{refund.id}").first()
    if taken is None:
        return
    amount = sum((line.amount for line in taken.lines.all() if line.amount > 0), Decimal("0"))
    post(
        f"topup-refund:{refund.id}:failed",
        [(user_account(charge.user), amount), (provider_account(charge.provider), -amount)],
        reason=EntryReason.TOPUP_REFUND,
        purpose="topup",
        reference=str(charge.id),
        memo="refund failed: credits given back",
        reverses=taken,
    )


TOPUP_PURPOSE = ChargePurpose(
    name=TOPUP, on_paid=topup_paid, on_refund=topup_refunded, on_refund_failed=topup_refund_failed
)

__all__ = [
    "TOPUP",
    "TOPUP_PURPOSE",
    "topup_entry",
    "topup_paid",
    "topup_refund_failed",
    "topup_refunded",
    "topup_start",
]
