"""Reads of LoopPay: a person's balance (paid and promotional) and their history."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q, Sum
from django.utils import timezone

from loopin.looppay.ledger import CENT
from loopin.looppay.models import Account, AccountKind, JournalEntry

if TYPE_CHECKING:
    from loopin.accounts.models import User


def credit_balance(user: User) -> Decimal:
    """What the person can spend now: paid credit plus unexpired promotional credit."""
    balance: Decimal = balance_detail(user)["balance"]
    return balance


def balance_detail(user: User) -> dict[str, Any]:
    """Paid, promotional (unexpired) and total credit, and when the next promotional credit expires."""
    now = timezone.now()
    rows = Account.objects.filter(owner_id=user.pk, kind__in=[AccountKind.USER_CREDIT, AccountKind.PROMO_CREDIT])
    paid = rows.filter(kind=AccountKind.USER_CREDIT).aggregate(s=Sum("balance"))["s"] or Decimal("0")
    live_promo = rows.filter(kind=AccountKind.PROMO_CREDIT, balance__gt=0).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    promo = live_promo.aggregate(s=Sum("balance"))["s"] or Decimal("0")
    next_expiry = (
        live_promo.exclude(expires_at__isnull=True).order_by("expires_at").values_list("expires_at", flat=True)
    )
    return {
        "balance": (paid + promo).quantize(CENT),
        "paid": paid.quantize(CENT),
        "promotional": promo.quantize(CENT),
        "currency": "INR",
        "next_promo_expiry": next_expiry.first(),
    }


def balance_data(*, user: User) -> dict[str, Any]:
    """The caller's balance as the API shows it (decimal strings)."""
    detail = balance_detail(user)
    return {**detail, **{k: f"{detail[k]}" for k in ("balance", "paid", "promotional")}}


def history(*, user: User, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """The person's credit movements, newest first: each entry with what it did to their credit (paid + promo)."""
    mine = Q(
        lines__account__owner_id=user.pk, lines__account__kind__in=[AccountKind.USER_CREDIT, AccountKind.PROMO_CREDIT]
    )
    qs = (
        JournalEntry.objects.annotate(amount=Sum("lines__amount", filter=mine))
        .filter(amount__isnull=False)
        .order_by("-created_at", "-id")
    )
    rows = [entry_data(e, amount=e.amount) for e in qs[offset : offset + limit]]
    return rows, qs.count()


def entry_data(entry: JournalEntry, *, amount: Decimal) -> dict[str, Any]:
    return {
        "id": entry.id,
        "reason": entry.reason,
        "purpose": entry.purpose or None,
        "reference": entry.reference or None,
        "amount": f"{Decimal(amount).quantize(CENT)}",
        "currency": "INR",
        "memo": entry.memo or None,
        "created_at": entry.created_at,
    }


def transfer_data(entry: JournalEntry, *, user: User) -> dict[str, Any]:
    """A transfer as its sender sees it."""
    sent = -sum((line.amount for line in entry.lines.all() if line.amount < 0), Decimal("0"))
    return {**entry_data(entry, amount=-sent), "recipient_id": entry.reference, "balance": f"{credit_balance(user)}"}
