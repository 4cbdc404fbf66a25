"""Promo codes: hosts make them; an order applies one (its use taken in a conditional UPDATE, so a code's
usage limit is never passed, however many buyers race for its last use) and gives the use back if it ends unpaid.

Lock order: a code's row before the event's (an order takes its use before its seats; a release gives the use
back before the seats), so two writers never wait on each other crosswise.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, ValidationFailed
from loopin.core.models import stamp
from loopin.events.models import Event, TicketTier
from loopin.events.services.access import event_for_edit
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.models import Order, PromoCode, PromoKind
from loopin.payments.money import quantize

# A promo code never makes a paid seat free: providers cannot charge nothing.
LOWEST_PRICE = Decimal("1.00")


@dataclass
class PromoInput:
    code: str | None = None
    kind: str | None = None
    amount: Decimal | None = None
    tier_ids: list[uuid.UUID] | None = None
    max_uses: int | None = None
    max_uses_per_person: int | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    is_active: bool | None = None
    given: set[str] = field(default_factory=set)


def discount_per_seat(promo: PromoCode, list_price: Decimal, currency: str) -> Decimal:
    """What the code takes off one seat; the seat still costs at least LOWEST_PRICE."""
    off = list_price * promo.amount / 100 if promo.kind == PromoKind.PERCENT else promo.amount
    return quantize(max(min(off, list_price - LOWEST_PRICE), Decimal("0")), currency)


def promo_use(*, event: Event, tier: TicketTier, user: User, code: str) -> PromoCode:
    """Check a code for this event, tier and buyer and take one use of it. Call inside the order's transaction
    (a refusal after it, e.g. sold out, gives the use back with the rollback)."""
    promo = PromoCode.objects.filter(event_id=event.id, code=code.strip().upper(), is_active=True).first()
    if promo is None:
        raise BusinessRuleError("This promo code is not valid here.", code=PaymentErrorCode.PROMO_CODE_INVALID)
    now = timezone.now()
    if (promo.valid_from and promo.valid_from > now) or (promo.valid_until and promo.valid_until <= now):
        raise BusinessRuleError(
            "This promo code is not valid now.",
            code=PaymentErrorCode.PROMO_CODE_EXPIRED,
            details={
                "valid_from": promo.valid_from.isoformat() if promo.valid_from else None,
                "valid_until": promo.valid_until.isoformat() if promo.valid_until else None,
            },
        )
    if tier.pay_what_you_want or (promo.tiers.exists() and not promo.tiers.filter(id=tier.id).exists()):
        raise BusinessRuleError(
            f"This promo code does not apply to {tier.name}.", code=PaymentErrorCode.PROMO_NOT_FOR_TIER
        )
    if promo.max_uses_per_person is not None:
        # One open order per buyer and event (a unique constraint) keeps a buyer from racing themself here.
        mine = Order.objects.filter(promo=promo, user=user, promo_released=False).count()
        if mine >= promo.max_uses_per_person:
            raise Conflict(
                "You have used this promo code as often as it allows.",
                code=PaymentErrorCode.PROMO_LIMIT_PER_PERSON,
                details={"max_uses_per_person": promo.max_uses_per_person},
            )
    taken = (
        PromoCode.objects.filter(id=promo.id)
        .filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")))
        .update(uses=F("uses") + 1)
    )
    if not taken:
        raise Conflict("This promo code has been used up.", code=PaymentErrorCode.PROMO_USED_UP)
    return promo


def promo_release(*, order_id: uuid.UUID) -> bool:
    """An order that ended unpaid gives its use of the code back, exactly once."""
    order = Order.objects.filter(id=order_id).values("promo_id").first()
    if order is None or order["promo_id"] is None:
        return False
    if not Order.objects.filter(id=order_id, promo_released=False).update(promo_released=True):
        return False
    PromoCode.objects.filter(id=order["promo_id"], uses__gt=0).update(uses=F("uses") - 1)
    return True


# ---------------------------------------------------------------- the host's codes


def _managed_event(actor: User, event_id: uuid.UUID) -> Event:
    event = event_for_edit(actor, event_id, lock=False)
    if not event.is_paid:
        raise ValidationFailed.one("code", "FREE_EVENT", "Promo codes are for paid events.")
    return event


def _apply(promo: PromoCode, event: Event, data: PromoInput) -> list[TicketTier] | None:
    for name in ("code", "kind", "amount", "max_uses", "max_uses_per_person", "valid_from", "valid_until"):
        if name in data.given:
            setattr(promo, name, getattr(data, name))
    if "is_active" in data.given and data.is_active is not None:
        promo.is_active = data.is_active
    if not promo.code or not promo.code.strip():
        raise ValidationFailed.one("code", "REQUIRED", "Give the code.")
    if promo.kind == PromoKind.PERCENT and not Decimal("0") < promo.amount < Decimal("100"):
        raise ValidationFailed.one("amount", "OUT_OF_RANGE", "A percentage is above 0 and below 100.")
    if promo.valid_from and promo.valid_until and promo.valid_until <= promo.valid_from:
        raise ValidationFailed.one("valid_until", "END_BEFORE_START", "valid_until is after valid_from.")
    if promo.max_uses is not None and promo.max_uses < promo.uses:
        raise ValidationFailed.one("max_uses", "BELOW_USES", f"The code was already used {promo.uses} times.")
    if "tier_ids" not in data.given or data.tier_ids is None:
        return None
    tiers = list(TicketTier.objects.filter(event_id=event.id, id__in=data.tier_ids))
    if len(tiers) != len(set(data.tier_ids)):
        raise ValidationFailed.one("tier_ids", "UNKNOWN_TIER", "Every tier must be one of this event's.")
    return tiers


def _save(promo: PromoCode, tiers: list[TicketTier] | None) -> None:
    """Save the code (unique in its event, in any letter case) and, when given, the tiers it applies to."""
    try:
        with transaction.atomic():
            promo.save()
    except IntegrityError:
        raise Conflict("The event already has this code.", code=PaymentErrorCode.PROMO_CODE_EXISTS) from None
    if tiers is not None:
        promo.tiers.set(tiers)


def promo_create(*, actor: User, event_id: uuid.UUID, data: PromoInput) -> PromoCode:
    """Add a promo code to a paid event (the code is unique in the event, in any letter case)."""
    with transaction.atomic():
        event = _managed_event(actor, event_id)
        promo = PromoCode(event=event, created_by=actor, updated_by=actor)
        tiers = _apply(promo, event, data)
        _save(promo, tiers)
        audit_record(action="promo.created", actor=actor, obj=promo, data={"event_id": str(event.id)})
    return promo


def _locked(event: Event, promo_id: uuid.UUID) -> PromoCode:
    promo = PromoCode.objects.select_for_update().filter(id=promo_id, event_id=event.id).first()
    if promo is None:
        raise NotFound("The event has no such promo code.", code=PaymentErrorCode.PROMO_CODE_NOT_FOUND)
    return promo


def promo_update(*, actor: User, event_id: uuid.UUID, promo_id: uuid.UUID, data: PromoInput) -> PromoCode:
    """Change a code (its limits, window, tiers; switch it off); orders made with it keep their discount."""
    with transaction.atomic():
        event = _managed_event(actor, event_id)
        promo = _locked(event, promo_id)
        tiers = _apply(promo, event, data)
        stamp(promo, actor, "update")
        _save(promo, tiers)
        audit_record(action="promo.updated", actor=actor, obj=promo, data={"fields": sorted(data.given)})
    return promo


def promo_delete(*, actor: User, event_id: uuid.UUID, promo_id: uuid.UUID) -> None:
    """Remove a code no order used (otherwise switch it off: `is_active` false)."""
    with transaction.atomic():
        event = _managed_event(actor, event_id)
        promo = _locked(event, promo_id)
        if promo.orders.exists():
            raise Conflict("Orders used this code: switch it off instead.", code=PaymentErrorCode.PROMO_CODE_USED)
        audit_record(action="promo.deleted", actor=actor, obj=promo, data={"event_id": str(event.id)})
        promo.delete()
