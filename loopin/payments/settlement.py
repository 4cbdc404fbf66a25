"""Automatic settlement: hosts' provider accounts, each event's split, transfers of paid orders and their
reversals on refund (Razorpay Route; Stripe Connect with separate charges and transfers).

The rules that keep the money right:
- A paid order snapshots the event's split into one `Settlement` row per recipient (in the confirming
  transaction; unique per order and recipient), amounts in minor units with the remainder to the owner,
  so the shares always add up to the order's host earning exactly.
- A share is either transferred by the provider (`method=transfer`: auto mode and an active account for the
  order's provider) or counted in the recipient's payout balance (`method=payout`), never both.
- A transfer is posted by a task after commit, by whoever claims the row (a conditional UPDATE), with our key
  (Stripe's idempotency key; for Razorpay we first look for a transfer of the payment carrying our key), so
  retries and racing tasks post it once.
- A refund takes back the same proportion from every share: the refunded host amount so far, split by the
  shares, minus what was taken back already (cumulative, so the parts add up exactly too).
- A provider error leaves the row `failed` with the error; the sweep and the admin retry it. The buyer's
  request never waits on or fails with a transfer.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, LoopinError, NotFound, PermissionDenied, ValidationFailed
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import CoHost, Event
from loopin.events.selectors.access import event_for
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.errors import ProviderUnavailable
from loopin.payments.models import (
    SETTLING_PROVIDERS,
    EventSettlement,
    Order,
    Refund,
    RefundStatus,
    ReversalStatus,
    Settlement,
    SettlementAccount,
    SettlementAccountStatus,
    SettlementMethod,
    SettlementMode,
    SettlementReversal,
    SettlementSplit,
    SettlementStatus,
)
from loopin.payments.money import from_minor, to_minor
from loopin.payments.providers import get_settling_provider
from loopin.payments.tasks import reverse_settlement, settle_order

FULL = 10000  # basis points
MAX_ATTEMPTS = 8
ACCOUNT_ID_RE = {"razorpay": re.compile(r"^acc_[A-Za-z0-9]{6,30}$"), "stripe": re.compile(r"^acct_[A-Za-z0-9]{6,40}$")}
ACCOUNT_ID_HINT = {"razorpay": "a Route linked account id, acc_…", "stripe": "a Connect account id, acct_…"}


def split_minor(total: int, weights: list[int]) -> list[int]:
    """`total` minor units in proportion to `weights`, rounded down; the first (the owner) takes the rest,
    so the parts always add up to `total`. 10000 paise in 3334/3333/3333 -> 3334, 3333, 3333."""
    whole = sum(weights)
    if whole <= 0:
        return [total] + [0] * (len(weights) - 1)
    parts = [total * w // whole for w in weights[1:]]
    return [total - sum(parts), *parts]


# ---------------------------------------------------------------- accounts


def _own_settlement_account(user: User, account_id: uuid.UUID) -> SettlementAccount:
    account = SettlementAccount.objects.filter(id=account_id, user=user).first()
    if account is None:
        raise NotFound("Settlement account not found.", code=PaymentErrorCode.SETTLEMENT_ACCOUNT_NOT_FOUND)
    return account


def settlement_account_register(
    *, user: User, provider: str, account_id: str, actor: User | None = None
) -> SettlementAccount:
    """Link a provider account (a host for themself, or staff for a host) and verify it with the provider.

    The account becomes active only when the provider says it takes transfers; otherwise (or when the
    provider does not answer) it stays pending and can be verified again."""
    account_id = account_id.strip()
    get_settling_provider(provider)  # 400 SETTLEMENT_PROVIDER_UNSUPPORTED before anything is stored
    if not ACCOUNT_ID_RE[provider].match(account_id):
        raise ValidationFailed.one("account_id", "INVALID_ACCOUNT_ID", f"Give {ACCOUNT_ID_HINT[provider]}.")
    actor = actor or user
    try:
        with transaction.atomic():
            account = SettlementAccount.objects.create(
                user=user, provider=provider, account_id=account_id, created_by=actor
            )
            audit_record(
                action="settlement_account.added",
                actor=actor,
                obj=account,
                subject=user,
                data={"provider": provider, "account_id": account_id},
            )
    except IntegrityError:
        raise Conflict(
            "This provider account is already registered.", code=PaymentErrorCode.SETTLEMENT_ACCOUNT_EXISTS
        ) from None
    try:
        return settlement_account_verify(account_id=account.id, actor=actor)
    except ProviderUnavailable:
        SettlementAccount.objects.filter(id=account.id).update(provider_status="unverified: provider error")
        account.refresh_from_db()
        return account


def settlement_account_verify(*, account_id: uuid.UUID, actor: User | None = None) -> SettlementAccount:
    """Ask the provider (GET account) and set the status from its answer; activating one account of a host
    at a provider disables their earlier active one there. A disabled account stays disabled."""
    account = SettlementAccount.objects.get(id=account_id)
    if account.status == SettlementAccountStatus.DISABLED:
        return account
    state = get_settling_provider(account.provider).account_state(account.account_id)
    with transaction.atomic():
        account = SettlementAccount.objects.select_for_update().get(id=account_id)
        if account.status == SettlementAccountStatus.DISABLED:
            return account
        old = account.status
        account.provider_status = state.provider_status
        account.verified_at = timezone.now()
        account.status = state.state
        if state.state == SettlementAccountStatus.ACTIVE:
            SettlementAccount.objects.filter(
                user_id=account.user_id, provider=account.provider, status=SettlementAccountStatus.ACTIVE
            ).exclude(id=account.id).update(status=SettlementAccountStatus.DISABLED)
        account.save(update_fields=["provider_status", "verified_at", "status", "updated_at"])
        audit_record(
            action="settlement_account.verified",
            actor=actor,
            obj=account,
            subject=account.user,
            data={"from": old, "to": account.status, "provider_status": account.provider_status},
        )
    return account


def settlement_account_verify_own(*, user: User, account_id: uuid.UUID) -> SettlementAccount:
    return settlement_account_verify(account_id=_own_settlement_account(user, account_id).id, actor=user)


def settlement_account_disable(*, account_id: uuid.UUID, actor: User) -> SettlementAccount:
    """Stop using an account: later orders settle by payout (transfers already planned to it still go)."""
    with transaction.atomic():
        account = SettlementAccount.objects.select_for_update().get(id=account_id)
        if account.status != SettlementAccountStatus.DISABLED:
            old = account.status
            account.status = SettlementAccountStatus.DISABLED
            account.save(update_fields=["status", "updated_at"])
            audit_record(
                action="settlement_account.disabled", actor=actor, obj=account, subject=account.user, data={"from": old}
            )
    return account


def settlement_account_disable_own(*, user: User, account_id: uuid.UUID) -> SettlementAccount:
    return settlement_account_disable(account_id=_own_settlement_account(user, account_id).id, actor=user)


# ---------------------------------------------------------------- the event's split


@dataclass(frozen=True)
class SplitIn:
    user_id: uuid.UUID
    share_bps: int


def _accepted_co_hosts(event_id: uuid.UUID, user_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    return set(
        CoHost.objects.filter(event_id=event_id, user_id__in=user_ids, accepted_at__isnull=False).values_list(
            "user_id", flat=True
        )
    )


def split_recipients_check(event: Event, user_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """The ids that may not share this event's earning: anyone but the owner and its accepted co-hosts."""
    accepted = _accepted_co_hosts(event.id, user_ids)
    return [uid for uid in user_ids if uid != event.host_id and uid not in accepted]


def _owned_event(user: User, event_id: uuid.UUID) -> Event:
    event = event_for(user, event_id)
    if event.host_id != user.id:
        raise PermissionDenied("Only the event's owner decides how it is settled.", code=EventErrorCode.NOT_EVENT_HOST)
    return event


def event_settlement_set(
    *, user: User, event_id: uuid.UUID, mode: str, splits: list[SplitIn] | None = None
) -> EventSettlement:
    """The owner chooses manual or automatic settlement and (optionally) the split with co-hosts, in basis
    points adding up to 10000. No split: the owner takes it all. Orders already paid keep their snapshot."""
    event = _owned_event(user, event_id)
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
    event = _owned_event(user, event_id)
    config = EventSettlement.objects.filter(event=event).prefetch_related("splits").first()
    splits = list(config.splits.all()) if config else []
    return {
        "event_id": event.id,
        "mode": config.mode if config else SettlementMode.MANUAL,
        "splits": [{"user_id": s.recipient_id, "share_bps": s.share_bps} for s in splits]
        or [{"user_id": event.host_id, "share_bps": FULL}],
    }


# ---------------------------------------------------------------- at payment


def settlement_plan(order: Order) -> list[Settlement]:
    """Snapshot the event's split for a just-paid order (called in the confirming transaction, order locked).

    Nothing when the event has no settlement configuration: the owner's payout balance counts the order, as
    before. Transfers are posted after commit."""
    config = EventSettlement.objects.filter(event_id=order.event_id).prefetch_related("splits").first()
    if config is None or Settlement.objects.filter(order=order).exists():
        return []
    owner_id = Event.objects.values_list("host_id", flat=True).get(id=order.event_id)
    shares = {s.recipient_id: s.share_bps for s in config.splits.all()} or {owner_id: FULL}
    # A co-host who left or was removed since the split was set: their share goes to the owner.
    staying = _accepted_co_hosts(order.event_id, [uid for uid in shares if uid != owner_id])
    for uid in [uid for uid in shares if uid != owner_id and uid not in staying]:
        shares[owner_id] = shares.get(owner_id, 0) + shares.pop(uid)
    recipients = [owner_id] + [uid for uid in shares if uid != owner_id]
    weights = [shares.get(uid, 0) for uid in recipients]
    parts = split_minor(to_minor(order.host_earning, order.currency), weights)
    auto = config.mode == SettlementMode.AUTO and order.provider in SETTLING_PROVIDERS
    accounts = (
        {
            a.user_id: a
            for a in SettlementAccount.objects.filter(
                user_id__in=recipients, provider=order.provider, status=SettlementAccountStatus.ACTIVE
            )
        }
        if auto
        else {}
    )
    rows = []
    for uid, bps, minor in zip(recipients, weights, parts, strict=True):
        if minor <= 0:
            continue
        account = accounts.get(uid)
        rows.append(
            Settlement(
                order=order,
                recipient_id=uid,
                is_owner=uid == owner_id,
                method=SettlementMethod.TRANSFER if account else SettlementMethod.PAYOUT,
                provider=order.provider,
                account=account,
                currency=order.currency,
                share_bps=bps,
                amount=from_minor(minor, order.currency),
                status=SettlementStatus.PENDING if account else SettlementStatus.MANUAL,
            )
        )
    Settlement.objects.bulk_create(rows)
    if any(r.method == SettlementMethod.TRANSFER for r in rows):
        order_id = str(order.id)
        transaction.on_commit(lambda: settle_order.delay(order_id))
    return rows


def _error(exc: Exception) -> str:
    if isinstance(exc, LoopinError):
        detail = (exc.details or {}).get("error", "")
        return f"{exc.code}: {detail or exc.message}"[:255]
    return type(exc).__name__[:255]


def settlement_transfer(*, settlement_id: uuid.UUID | str, reclaim_before: Any = None) -> str:
    """Post one share's transfer, then any reversals waiting for it.

    Once: the row is claimed by a conditional UPDATE (pending/failed -> sending) before the provider is asked,
    so of racing tasks one posts and the others return "busy"; no lock is held during the HTTP call. A row left
    `sending` by a worker that died is claimed again only by the sweep (`reclaim_before`), and the provider
    then finds the first transfer by our key (Stripe's idempotency key; Razorpay: the payment's transfers)."""
    claimable = Q(status__in=[SettlementStatus.PENDING, SettlementStatus.FAILED])
    if reclaim_before is not None:
        claimable |= Q(status=SettlementStatus.SENDING, claimed_at__lt=reclaim_before)
    claimed = Settlement.objects.filter(claimable, id=settlement_id, method=SettlementMethod.TRANSFER).update(
        status=SettlementStatus.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    s = Settlement.objects.select_related("order", "account", "recipient").get(id=settlement_id)
    if not claimed:
        return "busy" if s.status == SettlementStatus.SENDING else s.status
    key = f"settlement-{s.id}"
    try:
        provider = get_settling_provider(s.provider)
        assert s.account is not None  # a transfer row always has its account
        transfer_id = provider.transfer_find(s.order, key=key) or provider.transfer(
            s.order, account_id=s.account.account_id, amount_minor=to_minor(s.amount, s.currency), key=key
        )
    except LoopinError as exc:
        s.status, s.error = SettlementStatus.FAILED, _error(exc)
        with transaction.atomic():
            Settlement.objects.filter(id=s.id, status=SettlementStatus.SENDING).update(status=s.status, error=s.error)
            audit_record(action="settlement.failed", obj=s, subject=s.recipient, data={"error": s.error})
        return s.status
    with transaction.atomic():
        Settlement.objects.filter(id=s.id, status=SettlementStatus.SENDING).update(
            status=SettlementStatus.TRANSFERRED,
            error="",
            provider_transfer_id=transfer_id[:128],
            transferred_at=timezone.now(),
        )
        audit_record(
            action="settlement.transferred",
            obj=s,
            subject=s.recipient,
            data={"order_id": str(s.order_id), "amount": str(s.amount), "transfer_id": transfer_id[:128]},
        )
    for reversal_id in s.reversals.filter(status=ReversalStatus.PENDING).values_list("id", flat=True):
        reversal_submit(reversal_id=reversal_id)
    return SettlementStatus.TRANSFERRED


def order_settle(*, order_id: uuid.UUID | str) -> dict[str, str]:
    """Post every pending transfer of a paid order (the task after payment)."""
    pending = (
        Settlement.objects.filter(order_id=order_id, method=SettlementMethod.TRANSFER, status=SettlementStatus.PENDING)
        .order_by("-is_owner", "created_at", "id")
        .values_list("id", flat=True)
    )
    return {str(sid): settlement_transfer(settlement_id=sid) for sid in pending}


def settlement_to_payout(*, settlement_id: uuid.UUID, actor: User) -> Settlement:
    """Staff give up on a transfer that keeps failing: the share moves to the recipient's payout balance."""
    with transaction.atomic():
        s = Settlement.objects.select_for_update().get(id=settlement_id)
        if s.method == SettlementMethod.TRANSFER and s.status in (SettlementStatus.PENDING, SettlementStatus.FAILED):
            s.method, s.status = SettlementMethod.PAYOUT, SettlementStatus.MANUAL
            s.save(update_fields=["method", "status"])
            s.reversals.filter(status__in=[ReversalStatus.PENDING, ReversalStatus.FAILED]).update(
                status=ReversalStatus.RECORDED, error=""
            )
            audit_record(action="settlement.to_payout", actor=actor, obj=s, subject=s.recipient)
    return s


# ---------------------------------------------------------------- on refund


def _taken_back(settlement: Settlement) -> int:
    total = settlement.reversals.exclude(refund__status=RefundStatus.FAILED).aggregate(s=Sum("amount"))["s"]
    return to_minor(total or Decimal("0"), settlement.currency)


def reversals_plan(order: Order, refund: Refund) -> list[SettlementReversal]:
    """A refund's host part, taken back from the order's shares in proportion (called in the refund's
    transaction, order locked); transfers are reversed at the provider after commit."""
    shares = sorted(order.settlements.all(), key=lambda s: (not s.is_owner, s.created_at, s.id))
    if not shares:
        return []
    refunded = order.refunds.exclude(status=RefundStatus.FAILED).aggregate(s=Sum("host_amount"))["s"]
    targets = split_minor(
        to_minor(refunded or Decimal("0"), order.currency), [to_minor(s.amount, s.currency) for s in shares]
    )
    rows = []
    for s, target in zip(shares, targets, strict=True):
        delta = min(target, to_minor(s.amount, s.currency)) - _taken_back(s)
        if delta <= 0:
            continue
        manual = s.method == SettlementMethod.PAYOUT
        rows.append(
            SettlementReversal.objects.create(
                settlement=s,
                refund=refund,
                amount=from_minor(delta, s.currency),
                status=ReversalStatus.RECORDED if manual else ReversalStatus.PENDING,
            )
        )
        if manual:
            Settlement.objects.filter(id=s.id).update(
                amount_reversed=F("amount_reversed") + from_minor(delta, s.currency)
            )
    pending = [str(r.id) for r in rows if r.status == ReversalStatus.PENDING]
    if pending:
        transaction.on_commit(lambda: [reverse_settlement.delay(rid) for rid in pending])
    return rows


def reversal_submit(*, reversal_id: uuid.UUID | str) -> str:
    """Reverse a refund's part of a transfer at the provider (once: row lock and our key). Waits while the
    transfer itself is not made yet (the transfer runs it afterwards)."""
    with transaction.atomic():
        r = (
            SettlementReversal.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("settlement")
            .filter(id=reversal_id)
            .first()
        )
        if r is None:
            return "busy"
        s = r.settlement
        if r.status not in (ReversalStatus.PENDING, ReversalStatus.FAILED):
            return r.status
        if s.method == SettlementMethod.PAYOUT:
            r.status = ReversalStatus.RECORDED
            r.save(update_fields=["status"])
            return r.status
        if s.status != SettlementStatus.TRANSFERRED:
            return r.status
        r.attempts += 1
        key = f"reversal-{r.id}"
        try:
            reversal_id_at_provider = get_settling_provider(s.provider).transfer_reverse(
                s.provider_transfer_id, amount_minor=to_minor(r.amount, s.currency), key=key
            )
        except LoopinError as exc:
            r.status, r.error = ReversalStatus.FAILED, _error(exc)
            r.save(update_fields=["status", "error", "attempts"])
            audit_record(action="settlement.reversal_failed", obj=r, data={"error": r.error})
            return r.status
        r.status, r.error = ReversalStatus.REVERSED, ""
        r.provider_reversal_id = reversal_id_at_provider[:128]
        r.reversed_at = timezone.now()
        r.save(update_fields=["status", "error", "attempts", "provider_reversal_id", "reversed_at"])
        Settlement.objects.filter(id=s.id).update(amount_reversed=F("amount_reversed") + r.amount)
        audit_record(
            action="settlement.reversed",
            obj=r,
            data={"settlement_id": str(s.id), "amount": str(r.amount), "reversal_id": r.provider_reversal_id},
        )
    return ReversalStatus.REVERSED


# ---------------------------------------------------------------- the sweep


def settlements_retry(*, stale_after: timedelta = timedelta(minutes=10)) -> dict[str, int]:
    """Retry failed transfers and reversals (up to MAX_ATTEMPTS each) and ones whose task was lost."""
    stale = timezone.now() - stale_after
    transfers = Settlement.objects.filter(method=SettlementMethod.TRANSFER, attempts__lt=MAX_ATTEMPTS).filter(
        Q(status=SettlementStatus.FAILED)
        | Q(status=SettlementStatus.PENDING, created_at__lt=stale)
        | Q(status=SettlementStatus.SENDING, claimed_at__lt=stale)
    )
    done = {"transfers": 0, "reversals": 0}
    for sid in transfers.values_list("id", flat=True):
        result = settlement_transfer(settlement_id=sid, reclaim_before=stale)
        done["transfers"] += result == SettlementStatus.TRANSFERRED
    reversals = SettlementReversal.objects.filter(
        settlement__status=SettlementStatus.TRANSFERRED, attempts__lt=MAX_ATTEMPTS
    ).filter(Q(status=ReversalStatus.FAILED) | Q(status=ReversalStatus.PENDING, created_at__lt=stale))
    for rid in reversals.values_list("id", flat=True):
        done["reversals"] += reversal_submit(reversal_id=rid) == ReversalStatus.REVERSED
    return done
