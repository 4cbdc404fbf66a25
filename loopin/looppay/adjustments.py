"""Manual adjustments by staff: a reason, a permission, an audit entry, and one journal entry each."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from loopin.audit.services import audit_record
from loopin.core.errors import PermissionDenied, ValidationFailed
from loopin.looppay.ledger import credit_amount, platform_float, post, user_account
from loopin.looppay.models import Adjustment, CreditKind, EntryReason
from loopin.looppay.promotions import promo_grant

if TYPE_CHECKING:
    from loopin.accounts.models import User

PERMISSIONS = {CreditKind.PAID: "looppay.add_adjustment", CreditKind.PROMOTIONAL: "looppay.grant_promotional_credit"}


def adjustment_post(
    *,
    staff: Any,
    user: User,
    amount: Decimal,
    reason: str,
    credit: str = CreditKind.PAID,
    expires_at: datetime | None = None,
) -> Adjustment:
    """Add (or, for paid credit, take back) credit by hand; refused without the permission or a reason."""
    if not staff.has_perm(PERMISSIONS[CreditKind(credit)]):
        raise PermissionDenied("You may not adjust credit of this kind.")
    if not reason.strip():
        raise ValidationFailed.one("reason", "REQUIRED", "Say why.")
    if credit == CreditKind.PROMOTIONAL and (amount <= 0 or expires_at is None):
        raise ValidationFailed.one("amount", "PROMO_GRANT", "Promotional credit is granted (positive) with an expiry.")
    value = credit_amount(abs(amount))
    with transaction.atomic():
        adjustment = Adjustment.objects.create(
            user=user, credit=credit, amount=amount, expires_at=expires_at, reason=reason[:255], created_by=staff
        )
        key = f"adjustment:{adjustment.id}"
        if credit == CreditKind.PROMOTIONAL:
            assert expires_at is not None
            entry = promo_grant(user=user, amount=value, expires_at=expires_at, key=key, memo=reason, created_by=staff)
        else:
            sign = Decimal(1) if amount > 0 else Decimal(-1)
            entry = post(
                key,
                [(platform_float(), -sign * value), (user_account(user), sign * value)],
                reason=EntryReason.ADJUSTMENT,
                purpose="adjustment",
                reference=str(user.pk),
                memo=reason,
                created_by=staff,
            )
        Adjustment.objects.filter(id=adjustment.id).update(entry=entry)
        adjustment.entry = entry
        audit_record(
            action="looppay.adjustment",
            actor=staff,
            obj=adjustment,
            subject=user,
            data={"credit": credit, "amount": str(amount), "reason": reason[:255], "entry_id": str(entry.id)},
        )
    return adjustment
