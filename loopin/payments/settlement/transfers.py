"""Automatic settlement: hosts' provider accounts, each event's split, transfers of paid orders and their
reversals on refund (Razorpay Route; Stripe Connect with separate charges and transfers).

The rules that keep the money right:
- A paid order snapshots the event's split into `Settlement` rows per recipient (in the confirming
  transaction; unique per order, recipient and funding), amounts in minor units with the remainder to the owner,
  so the shares always add up to the order's host earning exactly.
- A transfer never takes more from a provider payment than it captured less the platform's fee: the fee is kept
  out of the card money first, and the part of the earning paid with LoopPay credits (`funding=credits`) is paid
  out, never transferred (`card_host_minor`). A refund takes back from the card rows what the card payment can no
  longer carry and the rest from the credits rows (`reversals`).
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

import uuid
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import LoopinError
from loopin.events.models import Event
from loopin.payments.models import (
    SETTLING_PROVIDERS,
    EventSettlement,
    Order,
    ReversalStatus,
    Settlement,
    SettlementAccount,
    SettlementAccountStatus,
    SettlementFunding,
    SettlementMethod,
    SettlementMode,
    SettlementStatus,
)
from loopin.payments.money import from_minor, to_minor
from loopin.payments.providers import get_settling_provider
from loopin.payments.settlement.failures import provider_error
from loopin.payments.settlement.reversals import reversal_submit
from loopin.payments.settlement.splits import FULL, accepted_co_hosts, split_minor, split_within
from loopin.payments.signals import settlement_due

# at payment


def card_host_minor(order: Order) -> int:
    """The part of the order's host earning its card payment carries, in minor units: what the provider captured
    (`amount_due`) less the platform's fee, never more than the earning. The platform keeps its fee out of the card
    money first; the rest of the earning (the credits part) is paid by payout. Full card: the whole earning; part
    credits 200.00 of 548.90 (fee 49.90): 299.00; wholly credits (nothing captured): 0."""
    card = to_minor(order.amount_due, order.currency)
    fee = to_minor(order.fee_amount, order.currency)
    return max(0, min(to_minor(order.host_earning, order.currency), card - fee))


def settlement_plan(order: Order) -> list[Settlement]:
    """Snapshot the event's split for a just-paid order (called in the confirming transaction, order locked).

    Nothing when the event has no settlement configuration: the owner's payout balance counts the order, as
    before. Each recipient's share is split into what the card payment carries (`funding=card`: transferred when
    the recipient has an account, else paid out) and what was paid with credits (`funding=credits`: paid out), so
    no transfer takes more from a provider payment than it captured less the platform's fee. Transfers are posted
    after commit."""
    config = EventSettlement.objects.filter(event_id=order.event_id).prefetch_related("splits").first()
    if config is None or Settlement.objects.filter(order=order).exists():
        return []
    owner_id = Event.objects.values_list("host_id", flat=True).get(id=order.event_id)
    shares = {s.recipient_id: s.share_bps for s in config.splits.all()} or {owner_id: FULL}
    # A co-host who left or was removed since the split was set: their share goes to the owner.
    staying = accepted_co_hosts(order.event_id, [uid for uid in shares if uid != owner_id])
    for uid in [uid for uid in shares if uid != owner_id and uid not in staying]:
        shares[owner_id] = shares.get(owner_id, 0) + shares.pop(uid)
    recipients = [owner_id] + [uid for uid in shares if uid != owner_id]
    weights = [shares.get(uid, 0) for uid in recipients]
    parts = split_minor(to_minor(order.host_earning, order.currency), weights)
    card_parts = split_within(card_host_minor(order), parts)
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
    for uid, bps, minor, card in zip(recipients, weights, parts, card_parts, strict=True):
        for funding, part, account in (
            (SettlementFunding.CARD, card, accounts.get(uid)),
            (SettlementFunding.CREDITS, minor - card, None),  # paid with credits: no provider payment to move
        ):
            if part <= 0:
                continue
            rows.append(
                Settlement(
                    order=order,
                    recipient_id=uid,
                    is_owner=uid == owner_id,
                    method=SettlementMethod.TRANSFER if account else SettlementMethod.PAYOUT,
                    funding=funding,
                    provider=order.provider,
                    account=account,
                    currency=order.currency,
                    share_bps=bps,
                    amount=from_minor(part, order.currency),
                    status=SettlementStatus.PENDING if account else SettlementStatus.MANUAL,
                )
            )
    Settlement.objects.bulk_create(rows)
    if any(r.method == SettlementMethod.TRANSFER for r in rows):
        order_id = str(order.id)
        transaction.on_commit(lambda: settlement_due.send(sender=Settlement, order_id=order_id))
    return rows


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
        s.status, s.error = SettlementStatus.FAILED, provider_error(exc)
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
