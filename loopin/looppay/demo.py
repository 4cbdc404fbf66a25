"""LoopPay's demo data for `make run`: a guest with paid and promotional credit (idempotent by entry keys)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from loopin.accounts.demo import demo_guests
from loopin.looppay.ledger import platform_float, post, user_account
from loopin.looppay.models import EntryReason
from loopin.looppay.promotions import promo_grant

PAID = Decimal("1500.00")
PROMO = Decimal("200.00")


def demo_looppay(hosts: list[Any]) -> dict[str, int]:
    """Riya (+919800000101) holds 1,500 of paid credit and 200 of promotional credit for 30 days."""
    guest = demo_guests()[0]
    post(
        f"demo:looppay:paid:{guest.pk}",
        [(platform_float(), -PAID), (user_account(guest), PAID)],
        reason=EntryReason.ADJUSTMENT,
        purpose="adjustment",
        reference=str(guest.pk),
        memo="Demo credit",
    )
    promo_grant(
        user=guest,
        amount=PROMO,
        expires_at=timezone.now() + timedelta(days=30),
        key=f"demo:looppay:promo:{guest.pk}",
        memo="Demo welcome credit",
    )
    return {"looppay_people_with_credit": 1}
