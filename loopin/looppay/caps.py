"""The caps on loading credits (top-ups and transfers in), checked inside the posting transaction.

Called right after the posting that loads a person's paid-credit account, in the same transaction and while
`ledger.post` still holds that account's row lock: a cap exceeded raises, and the loading rolls back whole.
The month is the calendar month in UTC.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from loopin.core.settings import get_settings
from loopin.looppay.error_codes import LoopPayErrorCode
from loopin.looppay.errors import CapExceeded
from loopin.looppay.models import Account, EntryReason, Line

LOAD_REASONS = [EntryReason.TOPUP, EntryReason.TRANSFER]


def loaded_this_month(account: Account) -> Decimal:
    """Paid credit loaded into the account this calendar month (top-ups and transfers received)."""
    start = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    total = Line.objects.filter(
        account=account, amount__gt=0, entry__reason__in=LOAD_REASONS, entry__created_at__gte=start
    ).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0")


def caps_check(account_id: Any) -> None:
    """Refuse (rolling back the caller's transaction) a load past the balance or the monthly cap."""
    s = get_settings()
    account = Account.objects.get(id=account_id)
    if account.balance > s.LOOPPAY_MAX_BALANCE:
        raise CapExceeded(
            "This would take your LoopPay balance over its cap.",
            code=LoopPayErrorCode.BALANCE_CAP_EXCEEDED,
            details={"cap": str(s.LOOPPAY_MAX_BALANCE), "balance_after": str(account.balance)},
        )
    loaded = loaded_this_month(account)
    if loaded > s.LOOPPAY_MONTHLY_LOAD_CAP:
        raise CapExceeded(
            "This would take what you loaded this month over the monthly cap.",
            code=LoopPayErrorCode.MONTHLY_LOAD_CAP_EXCEEDED,
            details={"cap": str(s.LOOPPAY_MONTHLY_LOAD_CAP), "loaded_after": str(loaded)},
        )


def caps_precheck(account: Account, amount: Decimal) -> None:
    """The same refusal before a card is charged (the posting checks again, under the lock)."""
    s = get_settings()
    if account.balance + amount > s.LOOPPAY_MAX_BALANCE:
        raise CapExceeded(
            "This would take your LoopPay balance over its cap.",
            code=LoopPayErrorCode.BALANCE_CAP_EXCEEDED,
            details={"cap": str(s.LOOPPAY_MAX_BALANCE), "balance_after": str(account.balance + amount)},
        )
    loaded = loaded_this_month(account) + amount
    if loaded > s.LOOPPAY_MONTHLY_LOAD_CAP:
        raise CapExceeded(
            "This would take what you loaded this month over the monthly cap.",
            code=LoopPayErrorCode.MONTHLY_LOAD_CAP_EXCEEDED,
            details={"cap": str(s.LOOPPAY_MONTHLY_LOAD_CAP), "loaded_after": str(loaded)},
        )
