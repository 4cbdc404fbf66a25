"""The credits ledger: accounts, journal entries and their lines (double entry, append-only).

Every movement of credits is one `JournalEntry` whose `Line`s sum to zero. An account's balance is the sum
of its lines; `Account.balance` caches it (with `version`, bumped by every posting) and is only ever
changed by `loopin.looppay.ledger.post`, under the account's row lock. Accounts that hold a person's credits
(`HELD_KINDS`) never go below zero, checked in the posting and again by a database constraint.

Sign convention: a positive amount adds to what the account holds. A person's top-up of 500 is
`+500 user:<id>` and `-500 provider:<name>` (the provider clearing account goes negative: the money the
provider took in for us); spending 300 on tickets is `-300 user:<id>`, `+300 sales:tickets`.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q


class AccountKind(models.TextChoices):
    USER_CREDIT = "user_credit", "A person's paid credit"
    PROMO_CREDIT = "promo_credit", "A person's promotional credit (one grant, with its expiry)"
    PROVIDER_CLEARING = "provider_clearing", "Provider clearing (money taken in through a provider)"
    PLATFORM_FLOAT = "platform_float", "Platform float (staff adjustments draw on it)"
    PROMO_FUNDING = "promo_funding", "Promotional budget (grants draw on it; expiries return to it)"
    SALES = "sales", "Credits redeemed for a purpose (tickets, concessions, parking, marketplace)"
    HOST_PENDING = "host_pending", "A host's or seller's pending earnings (may go negative: a debt on a reversal)"
    PAYOUT_CLEARING = "payout_clearing", "Earnings paid out to bank accounts"


# Kinds that hold a person's credits: never below zero.
HELD_KINDS = frozenset({AccountKind.USER_CREDIT, AccountKind.PROMO_CREDIT})


class Account(models.Model):
    """One ledger account. `key` names it (`user:<uuid>`, `promo:<uuid>`, `provider:sandbox`, `sales:tickets`, …)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    key = models.CharField(max_length=96, unique=True)
    kind = models.CharField(max_length=24, choices=AccountKind.choices, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="credit_accounts"
    )
    currency = models.CharField(max_length=3, default="INR")
    allow_negative = models.BooleanField(default=False)
    balance = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    version = models.PositiveBigIntegerField(default=0, help_text="Bumped by every posting on this account.")
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True, help_text="Promotional credit only.")
    expired_at = models.DateTimeField(null=True, blank=True)
    label = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "key"]
        constraints = [
            models.CheckConstraint(condition=Q(allow_negative=True) | Q(balance__gte=0), name="credit_never_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.balance} {self.currency})"


class EntryReason(models.TextChoices):
    TOPUP = "topup", "Top-up"
    TOPUP_REFUND = "topup_refund", "A top-up's card payment refunded: its credits taken back"
    SPEND = "spend", "Spend"
    SPEND_REFUND = "spend_refund", "Refund of a spend"
    PROMO_GRANT = "promo_grant", "Promotional credit granted"
    PROMO_EXPIRY = "promo_expiry", "Promotional credit expired"
    TRANSFER = "transfer", "Transfer between people"
    ADJUSTMENT = "adjustment", "Manual adjustment by staff"
    SALE_EARNING = "sale_earning", "A seller's share of a completed sale"
    EARNING_REVERSAL = "earning_reversal", "A refunded sale's earning taken back"
    PAYOUT = "payout", "Earnings paid out to a bank account"


class AppendOnly(Exception):
    """Raised on an attempt to change or delete a posted entry or line (corrections are new entries)."""


class JournalEntry(models.Model):
    """One posting: lines that sum to zero, under an idempotency key (a retry returns this entry)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    idempotency_key = models.CharField(max_length=191, unique=True)
    fingerprint = models.CharField(max_length=64, help_text="What was posted (a retry must post the same).")
    reason = models.CharField(max_length=16, choices=EntryReason.choices, db_index=True)
    purpose = models.CharField(max_length=32, blank=True, db_index=True, help_text="What credits paid for.")
    reference = models.CharField(max_length=64, blank=True, db_index=True, help_text="The thing paid for (its id).")
    memo = models.CharField(max_length=255, blank=True)
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals", help_text="A spend refunded."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "journal entries"

    def __str__(self) -> str:
        return f"{self.reason} {self.idempotency_key}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("A journal entry is never changed: post a correcting entry.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly("A journal entry is never deleted: post a correcting entry.")


class Line(models.Model):
    """One account's share of an entry (non-zero; an entry's lines sum to zero)."""

    id = models.BigAutoField(primary_key=True)
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="line_amount_not_zero")]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("A ledger line is never changed: post a correcting entry.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly("A ledger line is never deleted: post a correcting entry.")


class CreditKind(models.TextChoices):
    PAID = "paid", "Paid credit"
    PROMOTIONAL = "promotional", "Promotional credit (expires)"


class Adjustment(models.Model):
    """A staff member's manual change to a person's credit, with its reason; posted as one journal entry.

    Paid credit may go up or down (a correction); promotional credit is granted (positive) with an expiry.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_adjustments")
    credit = models.CharField(max_length=16, choices=CreditKind.choices, default=CreditKind.PAID)
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="Positive adds credit; negative (paid credit only) takes it back."
    )
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Promotional credit: when it expires.")
    reason = models.CharField(max_length=255)
    entry = models.OneToOneField(JournalEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("grant_promotional_credit", "Can grant promotional credit")]

    def __str__(self) -> str:
        return f"{self.credit} {self.amount} for {self.user_id}"


class ReconciliationRun(models.Model):
    """One nightly check of the ledger; `problems` lists every discrepancy found (empty: all good)."""

    id = models.BigAutoField(primary_key=True)
    ran_at = models.DateTimeField(auto_now_add=True, db_index=True)
    ok = models.BooleanField(default=True)
    accounts_checked = models.PositiveIntegerField(default=0)
    entries_checked = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    # A failed run is an open staff alert until someone holding the permission acknowledges it with a note.
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledgement = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-ran_at"]
        permissions = [("acknowledge_reconciliationrun", "Can acknowledge a failed reconciliation run")]

    def __str__(self) -> str:
        return f"reconciliation {self.ran_at:%Y-%m-%d %H:%M} ({'ok' if self.ok else 'PROBLEMS'})"
