"""Top-ups: paid credit bought by card through the payment providers (sandbox by default).

`topup_start` opens a `payments` Charge of purpose `looppay_topup`; when the provider confirms it, `topup_paid`
(the purpose's handler, called once per charge) posts `-amount provider:<name>`, `+amount user:<id>` under the
key `topup:<charge id>`, so one provider payment credits the balance exactly once. A top-up that would break a
cap by then (another top-up went first) raises inside the confirmation and the charge is refunded in full.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction

from loopin.core.errors import BusinessRuleError
from loopin.core.settings import get_settings
from loopin.looppay.caps import caps_check, caps_precheck
from loopin.looppay.error_codes import LoopPayErrorCode
from loopin.looppay.ledger import credit_amount, post, provider_account, user_account
from loopin.looppay.models import EntryReason, JournalEntry
from loopin.payments.charge_models import Charge
from loopin.payments.charge_purposes import ChargePurpose
from loopin.payments.services.charges import charge_create

TOPUP = "looppay_topup"


def topup_start(*, user: Any, amount: Any, provider: str | None = None) -> Charge:
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


TOPUP_PURPOSE = ChargePurpose(name=TOPUP, on_paid=topup_paid)

__all__ = ["TOPUP", "TOPUP_PURPOSE", "topup_entry", "topup_paid", "topup_start"]
