"""Person-to-person transfers of paid credit, behind LOOPPAY_TRANSFERS_ENABLED (off by default).

Sending credits to other people makes LoopPay a semi-closed prepaid instrument, which needs an RBI licence
(docs/PAYMENTS.md): the setting stays off until Loopin holds one. Only paid credit moves (promotional credit is
not transferable); the recipient's balance and monthly load caps are checked inside the posting transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction

from loopin.accounts.models import User
from loopin.core.errors import BusinessRuleError, PermissionDenied
from loopin.core.settings import get_settings
from loopin.looppay.caps import caps_check
from loopin.looppay.error_codes import LoopPayErrorCode
from loopin.looppay.ledger import credit_amount, post, user_account
from loopin.looppay.models import EntryReason, JournalEntry


def transfer_send(
    *, user: User, recipient_id: uuid.UUID, amount: Any, idempotency_key: str, note: str = ""
) -> JournalEntry:
    """Send paid credit to another person (once per the sender's idempotency key)."""
    if not get_settings().LOOPPAY_TRANSFERS_ENABLED:
        raise PermissionDenied(
            "Sending credits to other people is not available.", code=LoopPayErrorCode.TRANSFERS_DISABLED
        )
    value = credit_amount(amount)
    recipient = User.objects.filter(id=recipient_id, is_active=True).first()
    if recipient is None or recipient.pk == user.pk:
        raise BusinessRuleError(
            "Credits go to another active person, never to yourself.", code=LoopPayErrorCode.TRANSFER_RECIPIENT_INVALID
        )
    key = f"transfer:{user.pk}:{idempotency_key}"
    retried = JournalEntry.objects.filter(idempotency_key=key).exists()  # a retry: the caps were checked then
    with transaction.atomic():
        target = user_account(recipient)
        entry = post(
            key,
            [(user_account(user), -value), (target, value)],
            reason=EntryReason.TRANSFER,
            purpose="transfer",
            reference=str(recipient.pk),
            memo=note[:255],
            created_by=user,
        )
        if not retried:
            caps_check(target.id)
    return entry
