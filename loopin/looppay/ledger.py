"""The one posting service of the credits ledger, and the accounts it posts to.

`post(key, lines, reason=...)` is the only writer of lines and cached balances:
- the lines (account, amount) must be on two accounts or more, non-zero and sum to zero (LEDGER_UNBALANCED);
- it locks every affected account with SELECT ... FOR UPDATE in one statement ordered by id, so two postings
  on overlapping accounts queue instead of deadlocking (callers that read balances first lock through
  `accounts_lock`, which takes the same order);
- an account that holds a person's credits is never driven below zero (INSUFFICIENT_CREDITS), checked on the
  locked row; a database constraint backs it;
- it is idempotent: a key already posted returns that entry when the same lines, reason, purpose and reference
  are posted again, and raises IDEMPOTENCY_KEY_REUSED (409) for anything else;
- it updates each account's cached balance and bumps its version in the same transaction.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F

from loopin.core.errors import BusinessRuleError
from loopin.looppay.error_codes import LoopPayErrorCode
from loopin.looppay.errors import IdempotencyKeyReused, InsufficientCredits
from loopin.looppay.models import HELD_KINDS, Account, AccountKind, JournalEntry, Line

if TYPE_CHECKING:
    from loopin.accounts.models import User

CENT = Decimal("0.01")
CURRENCY = "INR"


def credit_amount(value: Any) -> Decimal:
    """A positive amount of credits with at most two decimals (INVALID_CREDIT_AMOUNT otherwise)."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise BusinessRuleError("Not an amount.", code=LoopPayErrorCode.INVALID_CREDIT_AMOUNT) from exc
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        raise BusinessRuleError(
            "A credit amount is positive with at most two decimals.", code=LoopPayErrorCode.INVALID_CREDIT_AMOUNT
        )
    return amount.quantize(CENT)


# ---------------------------------------------------------------- accounts


def _account(key: str, kind: str, **fields: Any) -> Account:
    account, _ = Account.objects.get_or_create(
        key=key, defaults={"kind": kind, "allow_negative": kind not in HELD_KINDS, "currency": CURRENCY, **fields}
    )
    return account


def user_account(user: User) -> Account:
    """The person's paid-credit account (created on first use)."""
    return _account(f"user:{user.pk}", AccountKind.USER_CREDIT, owner_id=user.pk)


def provider_account(provider: str) -> Account:
    return _account(f"provider:{provider}", AccountKind.PROVIDER_CLEARING, label=f"{provider} clearing")


def sales_account(purpose: str) -> Account:
    """Where credits spent on `purpose` go (tickets, concessions, parking, marketplace, …)."""
    return _account(f"sales:{purpose}", AccountKind.SALES, label=f"Credits spent on {purpose}")


def platform_float() -> Account:
    return _account("platform:float", AccountKind.PLATFORM_FLOAT, label="Platform float")


def promo_funding() -> Account:
    return _account("platform:promo", AccountKind.PROMO_FUNDING, label="Promotional budget")


def host_pending(user: User) -> Account:
    return _account(f"host:{user.pk}", AccountKind.HOST_PENDING, owner_id=user.pk)


def payouts_clearing() -> Account:
    """Where pending earnings go when a payout to a bank account is completed."""
    return _account("payouts:bank", AccountKind.PAYOUT_CLEARING, label="Paid out to bank accounts")


def accounts_lock(ids: Iterable[Any]) -> dict[Any, Account]:
    """Lock accounts (SELECT ... FOR UPDATE) in id order, the one order every posting takes; by id."""
    wanted = sorted(set(ids), key=str)
    locked = Account.objects.select_for_update().filter(id__in=wanted).order_by("id")
    return {a.id: a for a in locked}


# ---------------------------------------------------------------- posting


def _fingerprint(net: dict[Any, Decimal], reason: str, purpose: str, reference: str) -> str:
    parts = [f"{account_id}={amount}" for account_id, amount in sorted(net.items(), key=lambda kv: str(kv[0]))]
    text = "|".join([reason, purpose, reference, *parts])
    return hashlib.sha256(text.encode()).hexdigest()


def _net(lines: Sequence[tuple[Account, Decimal]]) -> dict[Any, Decimal]:
    if len({account.id for account, _ in lines}) < 2:
        raise BusinessRuleError(
            "An entry moves credits between two accounts or more.", code=LoopPayErrorCode.LEDGER_UNBALANCED
        )
    net: dict[Any, Decimal] = defaultdict(Decimal)
    for account, amount in lines:
        value = Decimal(amount)
        if value == 0 or value != value.quantize(CENT):
            raise BusinessRuleError(
                "Every line is a non-zero amount in paise.", code=LoopPayErrorCode.LEDGER_UNBALANCED
            )
        net[account.id] += value
    if sum(net.values(), Decimal("0")) != 0:
        raise BusinessRuleError("The lines of an entry sum to zero.", code=LoopPayErrorCode.LEDGER_UNBALANCED)
    return {k: v for k, v in net.items() if v != 0}


def _existing(key: str, fingerprint: str) -> JournalEntry | None:
    entry = JournalEntry.objects.filter(idempotency_key=key).first()
    if entry is not None and entry.fingerprint != fingerprint:
        raise IdempotencyKeyReused(details={"idempotency_key": key})
    return entry


def post(
    key: str,
    lines: Sequence[tuple[Account, Decimal]],
    *,
    reason: str,
    purpose: str = "",
    reference: str = "",
    memo: str = "",
    created_by: Any = None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Post one balanced entry exactly once under `key` (see the module docstring for the rules)."""
    net = _net(lines)
    fingerprint = _fingerprint(net, reason, purpose, reference)
    existing = _existing(key, fingerprint)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            locked = accounts_lock(net)
            existing = _existing(key, fingerprint)  # posted by a racer while we waited for the locks
            if existing is not None:
                return existing
            for account_id, change in net.items():
                account = locked[account_id]
                if not account.allow_negative and account.balance + change < 0:
                    raise InsufficientCredits(
                        details={"balance": str(account.balance), "needed": str(-change), "account": account.key}
                    )
            entry = JournalEntry.objects.create(
                idempotency_key=key,
                fingerprint=fingerprint,
                reason=reason,
                purpose=purpose[:32],
                reference=str(reference)[:64],
                memo=memo[:255],
                created_by=created_by if getattr(created_by, "pk", None) else None,
                reverses=reverses,
            )
            Line.objects.bulk_create(
                [Line(entry=entry, account_id=account_id, amount=amount) for account_id, amount in net.items()]
            )
            for account_id, change in net.items():
                Account.objects.filter(id=account_id).update(balance=F("balance") + change, version=F("version") + 1)
                locked[account_id].balance += change
                locked[account_id].version += 1
    except IntegrityError:
        # The same key committed by another transaction between our check and our insert.
        existing = _existing(key, fingerprint)
        if existing is None:
            raise
        return existing
    return entry
