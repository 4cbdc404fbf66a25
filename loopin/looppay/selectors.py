"""Reads of LoopPay: a person's balance (paid and promotional) and their history."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from loopin.looppay.models import Account, AccountKind


def credit_balance(user: Any) -> Decimal:
    """What the person can spend now: paid credit plus unexpired promotional credit."""
    balance: Decimal = balance_detail(user)["balance"]
    return balance


def balance_detail(user: Any) -> dict[str, Any]:
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
        "balance": paid + promo,
        "paid": paid,
        "promotional": promo,
        "currency": "INR",
        "next_promo_expiry": next_expiry.first(),
    }
