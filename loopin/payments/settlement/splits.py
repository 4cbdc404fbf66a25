"""Each event's split: who shares its earning, in basis points, and the exact split of an amount in minor units."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Literal

from django.db import transaction

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, PermissionDenied, ValidationFailed
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import CoHost, Event
from loopin.events.selectors.access import event_for, holds_host_power
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.models import (
    EventSettlement,
    SettlementAccount,
    SettlementAccountStatus,
    SettlementMode,
    SettlementSplit,
)

FULL = 10000  # basis points


def split_minor(total: int, weights: list[int]) -> list[int]:
    """`total` minor units in proportion to `weights`, rounded down; the first (the owner) takes the rest,
    so the parts always add up to `total`. 10000 paise in 3334/3333/3333 -> 3334, 3333, 3333."""
    whole = sum(weights)
    if whole <= 0:
        return [total] + [0] * (len(weights) - 1)
    parts = [total * w // whole for w in weights[1:]]
    return [total - sum(parts), *parts]


def split_within(total: int, caps: list[int]) -> list[int]:
    """`total` minor units (at most `sum(caps)`) in proportion to `caps`, none above its cap: rounded down, the
    rest paisa by paisa to the first with room (the owner first). 29900 within [16638, 16631, 16631] ->
    9970, 9965, 9965."""
    whole = sum(caps)
    if total >= whole:
        return list(caps)
    parts = [total * cap // whole for cap in caps]
    rest = total - sum(parts)
    for i, cap in enumerate(caps):
        take = min(rest, cap - parts[i])
        parts[i] += take
        rest -= take
    return parts


# the event's split


@dataclass(frozen=True)
class SplitIn:
    user_id: uuid.UUID
    share_bps: int


def accepted_co_hosts(event_id: uuid.UUID, user_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    return set(
        CoHost.objects.filter(event_id=event_id, user_id__in=user_ids, accepted_at__isnull=False).values_list(
            "user_id", flat=True
        )
    )


def split_recipients_check(event: Event, user_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """The ids that may not share this event's earning: anyone but the owner and its accepted co-hosts."""
    accepted = accepted_co_hosts(event.id, user_ids)
    return [uid for uid in user_ids if uid != event.host_id and uid not in accepted]


def _owned_event(user: User, event_id: uuid.UUID, power: Literal["money", "payouts"]) -> Event:
    event = event_for(user, event_id)
    if not holds_host_power(user, event, power):
        raise PermissionDenied("Only the event's owner decides how it is settled.", code=EventErrorCode.NOT_EVENT_HOST)
    return event


def event_settlement_set(
    *, user: User, event_id: uuid.UUID, mode: str, splits: list[SplitIn] | None = None
) -> EventSettlement:
    """The owner chooses manual or automatic settlement and (optionally) the split with co-hosts, in basis
    points adding up to 10000. No split: the owner takes it all. Orders already paid keep their snapshot."""
    event = _owned_event(user, event_id, "payouts")
    splits = splits or []
    ids = [s.user_id for s in splits]
    if len(set(ids)) != len(ids):
        raise ValidationFailed.one("splits", "DUPLICATE_RECIPIENT", "Each recipient appears once.")
    if splits and sum(s.share_bps for s in splits) != FULL:
        raise ValidationFailed.one("splits", "SHARES_NOT_WHOLE", "The shares add up to 10000 basis points (100 %).")
    for i, s in enumerate(splits):
        if not 1 <= s.share_bps <= FULL:
            raise ValidationFailed.one(f"splits.{i}.share_bps", "OUT_OF_RANGE", "A share is 1 to 10000 basis points.")
    refused = split_recipients_check(event, ids)
    if refused:
        raise ValidationFailed.one("splits", "NOT_A_CO_HOST", f"Not an accepted co-host of this event: {refused[0]}.")
    if (
        mode == SettlementMode.AUTO
        and not SettlementAccount.objects.filter(user=user, status=SettlementAccountStatus.ACTIVE).exists()
    ):
        raise BusinessRuleError(
            "Link and verify a settlement account first.", code=PaymentErrorCode.SETTLEMENT_ACCOUNT_NEEDED
        )
    with transaction.atomic():
        config, _ = EventSettlement.objects.select_for_update().get_or_create(event=event)
        config.mode = mode
        config.updated_by = user
        config.save()
        config.splits.all().delete()
        SettlementSplit.objects.bulk_create(
            [SettlementSplit(config=config, recipient_id=s.user_id, share_bps=s.share_bps) for s in splits]
        )
        audit_record(
            action="event.settlement_set",
            actor=user,
            obj=event,
            data={"mode": mode, "splits": {str(s.user_id): s.share_bps for s in splits}},
        )
    return config


def event_settlement_data(*, user: User, event_id: uuid.UUID) -> dict[str, Any]:
    event = _owned_event(user, event_id, "money")
    config = EventSettlement.objects.filter(event=event).prefetch_related("splits").first()
    splits = list(config.splits.all()) if config else []
    return {
        "event_id": event.id,
        "mode": config.mode if config else SettlementMode.MANUAL,
        "splits": [{"user_id": s.recipient_id, "share_bps": s.share_bps} for s in splits]
        or [{"user_id": event.host_id, "share_bps": FULL}],
    }
