"""Spending credits on anything Loopin sells, and giving a spend back.

    spend(user=..., amount=Decimal("120.00"), key="concession-order:<id>", purpose="concessions", reference=<id>)
    refund_spend(key="concession-order:<id>")                       # all that is left of it
    refund_spend(key="concession-order:<id>", amount=Decimal("20"), refund_key="concession-refund:<refund id>")

`spend` takes promotional credit first (the grant that expires soonest first), then paid credit, and moves it
to `sales:<purpose>`; it raises INSUFFICIENT_CREDITS (409) when the person's usable balance is short, and
posts nothing. Both are idempotent under their key: call them inside your own transaction (they join it, so
your order and its payment commit or roll back together) and call them again safely on a retry.
A refund gives paid credit back first, then promotional credit (to the grant it came from).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from loopin.core.errors import BusinessRuleError, NotFound
from loopin.looppay.error_codes import LoopPayErrorCode
from loopin.looppay.errors import IdempotencyKeyReused, InsufficientCredits
from loopin.looppay.ledger import accounts_lock, credit_amount, post, sales_account, user_account
from loopin.looppay.models import Account, AccountKind, EntryReason, JournalEntry, Line

if TYPE_CHECKING:
    from loopin.accounts.models import User


def _promo_grants(user: User) -> list[Account]:
    now = timezone.now()
    return list(
        Account.objects.filter(owner_id=user.pk, kind=AccountKind.PROMO_CREDIT, balance__gt=0)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("expires_at", "created_at")
    )


def spend(
    *,
    user: User,
    amount: Any,
    key: str,
    purpose: str,
    reference: Any = "",
    memo: str = "",
) -> JournalEntry:
    """Pay `amount` of credits for `purpose`/`reference` (promotional first, then paid); once per `key`."""
    amount = credit_amount(amount)
    existing = JournalEntry.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _same_spend(existing, user=user, amount=amount, purpose=purpose, reference=str(reference))
    with transaction.atomic():
        paid = user_account(user)
        sink = sales_account(purpose)
        grants = _promo_grants(user)
        locked = accounts_lock([paid.id, sink.id, *(g.id for g in grants)])
        existing = JournalEntry.objects.filter(idempotency_key=key).first()  # a racer with this key went first
        if existing is not None:
            return _same_spend(existing, user=user, amount=amount, purpose=purpose, reference=str(reference))
        now = timezone.now()
        sources = [locked[g.id] for g in grants if g.id in locked]
        sources = [g for g in sources if g.balance > 0 and (g.expires_at is None or g.expires_at > now)]
        sources.sort(key=lambda g: (g.expires_at, g.created_at))
        sources.append(locked[paid.id])
        left = amount
        lines: list[tuple[Account, Decimal]] = []
        for source in sources:
            take = min(left, source.balance)
            if take > 0:
                lines.append((source, -take))
                left -= take
        if left > 0:
            raise InsufficientCredits(
                details={"balance": str(amount - left), "needed": str(amount), "short": str(left)}
            )
        lines.append((locked[sink.id], amount))
        return post(key, lines, reason=EntryReason.SPEND, purpose=purpose, reference=str(reference), memo=memo)


def _same_spend(entry: JournalEntry, *, user: User, amount: Decimal, purpose: str, reference: str) -> JournalEntry:
    """A retried spend: the first entry when it asked the same; IDEMPOTENCY_KEY_REUSED otherwise."""
    lines = list(entry.lines.select_related("account"))
    spent = sum((line.amount for line in lines if line.amount > 0), Decimal("0"))
    payers = {line.account.owner_id for line in lines if line.amount < 0}
    asked = (EntryReason.SPEND, purpose, reference, spent, {user.pk})
    if (entry.reason, entry.purpose, entry.reference, amount, payers) != asked:
        raise IdempotencyKeyReused(details={"idempotency_key": entry.idempotency_key})
    return entry


def _refund_rank(account: Account) -> tuple[bool, float]:
    expires = account.expires_at.timestamp() if account.expires_at else 0.0
    return account.kind == AccountKind.PROMO_CREDIT, -expires


def refund_spend(
    *,
    key: str,
    amount: Any = None,
    refund_key: str | None = None,
    memo: str = "",
    created_by: Any = None,
) -> JournalEntry:
    """Give back a spend's credits (all that is left of it, or `amount`); once per `refund_key`."""
    refund_key = refund_key or f"{key}:refund"
    done = JournalEntry.objects.filter(idempotency_key=refund_key).first()
    if done is not None:
        return done
    original = JournalEntry.objects.filter(idempotency_key=key, reason=EntryReason.SPEND).first()
    if original is None:
        raise NotFound("No credit spend with this key.", code=LoopPayErrorCode.SPEND_NOT_FOUND)
    with transaction.atomic():
        spent = {line.account_id: -line.amount for line in original.lines.all() if line.amount < 0}
        sink_id = next(line.account_id for line in original.lines.all() if line.amount > 0)
        locked = accounts_lock([sink_id, *spent])
        done = JournalEntry.objects.filter(idempotency_key=refund_key).first()
        if done is not None:
            return done
        returned = dict(
            Line.objects.filter(entry__reverses=original, account_id__in=list(spent))
            .values_list("account_id")
            .annotate(s=Sum("amount"))
        )
        left = {account_id: spent[account_id] - returned.get(account_id, Decimal("0")) for account_id in spent}
        total_left = sum(left.values(), Decimal("0"))
        wanted = total_left if amount is None else credit_amount(amount)
        if total_left <= 0 or wanted > total_left:
            raise BusinessRuleError(
                "This spend has less left to refund.",
                code=LoopPayErrorCode.NOTHING_TO_REFUND,
                details={"refundable": str(total_left)},
            )
        # Paid credit back first, then promotional grants (the latest expiry first).
        order = sorted(left, key=lambda a: _refund_rank(locked[a]))
        lines: list[tuple[Account, Decimal]] = []
        need = wanted
        for account_id in order:
            give = min(need, left[account_id])
            if give > 0:
                lines.append((locked[account_id], give))
                need -= give
        lines.append((locked[sink_id], -wanted))
        return post(
            refund_key,
            lines,
            reason=EntryReason.SPEND_REFUND,
            purpose=original.purpose,
            reference=original.reference,
            memo=memo,
            created_by=created_by,
            reverses=original,
        )
