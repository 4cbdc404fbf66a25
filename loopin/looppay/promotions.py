"""Promotional credit: grants with an expiry (by staff or by campaigns), spent before paid credit, expired by beat.

Each grant is its own account (`promo:<key>`, kind promo_credit, `expires_at`), so what is left of every grant is
ledger-derived. `promos_expire_due` posts `-left promo:<grant>`, `+left platform:promo` for every grant past its
expiry that still holds credit (a refund into an expired grant is expired on the next run).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from loopin.core.errors import ValidationFailed
from loopin.looppay.ledger import CURRENCY, accounts_lock, credit_amount, post, promo_funding
from loopin.looppay.models import Account, AccountKind, EntryReason, JournalEntry

if TYPE_CHECKING:
    from loopin.accounts.models import User


def promo_grant(
    *, user: User, amount: Any, expires_at: datetime, key: str, memo: str = "", created_by: Any = None
) -> JournalEntry:
    """Grant promotional credit that expires at `expires_at`; once per `key` (a campaign: campaign id + person)."""
    value = credit_amount(amount)
    if expires_at <= timezone.now():
        raise ValidationFailed.one("expires_at", "IN_THE_PAST", "Promotional credit expires in the future.")
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    with transaction.atomic():
        grant, _ = Account.objects.get_or_create(
            key=f"promo:{digest}",
            defaults={
                "kind": AccountKind.PROMO_CREDIT,
                "owner_id": user.pk,
                "allow_negative": False,
                "currency": CURRENCY,
                "expires_at": expires_at,
                "label": memo[:120],
            },
        )
        return post(
            f"promo-grant:{key}",
            [(promo_funding(), -value), (grant, value)],
            reason=EntryReason.PROMO_GRANT,
            purpose="promotion",
            reference=str(user.pk),
            memo=memo,
            created_by=created_by,
        )


def promo_expire(*, account_id: Any) -> JournalEntry | None:
    """Expire what is left of one grant past its expiry (None when nothing is left or it has not expired)."""
    with transaction.atomic():
        funding = promo_funding()
        locked = accounts_lock([account_id, funding.id])
        grant = locked[account_id]
        now = timezone.now()
        if grant.expires_at is None or grant.expires_at > now or grant.balance <= 0:
            return None
        entry = post(
            f"promo-expiry:{grant.id}:{grant.version}",
            [(grant, -grant.balance), (locked[funding.id], grant.balance)],
            reason=EntryReason.PROMO_EXPIRY,
            purpose="promotion",
            reference=str(grant.owner_id),
        )
        Account.objects.filter(id=grant.id).update(expired_at=now)
        return entry


def promos_expire_due(*, limit: int = 1000) -> int:
    """Expire every grant past its time that still holds credit (beat: every 15 minutes)."""
    due = Account.objects.filter(kind=AccountKind.PROMO_CREDIT, expires_at__lte=timezone.now(), balance__gt=0)
    ids = list(due.values_list("id", flat=True)[:limit])
    return sum(promo_expire(account_id=i) is not None for i in ids)
