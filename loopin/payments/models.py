"""Money: the fee configuration, orders (with their seat hold), provider events, refunds, bank accounts, payouts,
and automatic settlement (provider accounts, per-event splits, transfers and their reversals)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from loopin.core.ids import number_field
from loopin.core.models import AuditedModel, DeletedByModel
from loopin.payments.charge_models import Charge, ChargeRefund, ChargeStatus  # noqa: F401 - the app's models


class FeeConfig(models.Model):
    """The platform fee (a singleton, edited in the admin). Orders keep a snapshot of it."""

    fee_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Added on top of the ticket price; the host earns the ticket price.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "fee configuration"
        verbose_name_plural = "fee configuration"

    def __str__(self) -> str:
        return f"Platform fee {self.fee_percent} %"

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> FeeConfig:
        config, _ = cls.objects.get_or_create(pk=1)
        return config


class Provider(models.TextChoices):
    SANDBOX = "sandbox", "Sandbox"
    RAZORPAY = "razorpay", "Razorpay"
    STRIPE = "stripe", "Stripe"
    PAYU = "payu", "PayU"


class OrderStatus(models.TextChoices):
    PENDING = "pending", "Pending (seats held)"
    FAILED = "failed", "Payment failed"
    EXPIRED = "expired", "Hold expired"
    CANCELLED = "cancelled", "Cancelled by the buyer before paying"
    PAID = "paid", "Paid"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    REFUNDED = "refunded", "Refunded"


# Forward-only: an order moves only to a higher rank (failed, expired and cancelled share one).
ORDER_RANK = {
    OrderStatus.PENDING: 0,
    OrderStatus.FAILED: 1,
    OrderStatus.EXPIRED: 1,
    OrderStatus.CANCELLED: 1,
    OrderStatus.PAID: 2,
    OrderStatus.PARTIALLY_REFUNDED: 3,
    OrderStatus.REFUNDED: 4,
}
SETTLED = [OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED]


class Order(models.Model):
    """One purchase of seats at one event, with its seat hold and a snapshot of the price."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = number_field("payments", "order")
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="orders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    seats = models.PositiveSmallIntegerField(default=1)
    tier = models.ForeignKey(
        "events.TicketTier", null=True, blank=True, on_delete=models.RESTRICT, related_name="orders"
    )
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING, db_index=True)
    provider = models.CharField(max_length=16, choices=Provider.choices)

    currency = models.CharField(max_length=3, default="INR")
    list_price = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The tier's price per seat before any promo code (the buyer's choice on pay what you want).",
    )
    promo = models.ForeignKey("PromoCode", null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    promo_code = models.CharField(max_length=64, blank=True, help_text="The code as applied (upper case).")
    discount_amount = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0"), help_text="Taken off the ticket price, all seats."
    )
    promo_released = models.BooleanField(
        default=False, help_text="The order ended unpaid: its use of the promo code was given back."
    )
    base_price = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="Ticket price per seat after any discount (the host's earning)."
    )
    fee_percent = models.DecimalField(max_digits=5, decimal_places=2)
    unit_total = models.DecimalField(max_digits=12, decimal_places=2, help_text="What the buyer pays per seat.")
    fee_amount = models.DecimalField(max_digits=12, decimal_places=2)
    host_earning = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    amount_refunded = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    credits_applied = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        help_text="LoopPay credits paying part of the total; the provider is asked only for the rest (amount_due).",
    )
    credits_released = models.BooleanField(
        default=False, help_text="The order ended unpaid: the credits applied to it were given back."
    )

    # The hold: while `seats_held`, the order's seats count in event.seats_taken without a ticket.
    seats_held = models.BooleanField(default=True)
    hold_expires_at = models.DateTimeField(db_index=True)

    provider_order_id = models.CharField(max_length=128, blank=True, db_index=True)
    provider_payment_id = models.CharField(max_length=128, blank=True)
    replaced_provider_order_id = models.CharField(
        max_length=128,
        blank=True,
        db_index=True,
        help_text="The checkout for the full total, replaced when credits were applied (a payment on it: review).",
    )
    checkout = models.JSONField(default=dict, blank=True, help_text="What the client needs to pay.")
    checkout_attempt = models.PositiveSmallIntegerField(
        default=1, help_text="How many checkouts the order was given (PayU needs a new txnid for each)."
    )
    failure_reason = models.CharField(max_length=255, blank=True)
    review_reason = models.CharField(
        max_length=255,
        blank=True,
        help_text="Why a payment did not fulfil this order (provider, amount or currency mismatch): staff decide.",
    )

    ticket = models.OneToOneField(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="order"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True, db_index=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], condition=Q(status="pending"), name="one_open_order_per_user_event"
            ),
            models.CheckConstraint(condition=Q(amount_refunded__lte=models.F("total")), name="order_refund_le_total"),
            models.CheckConstraint(
                condition=Q(credits_applied__gte=0, credits_applied__lte=models.F("total")),
                name="order_credits_within_total",
            ),
        ]
        permissions = [("refund_order", "Can refund an order")]

    def __str__(self) -> str:
        return f"order {str(self.id)[:8]} ({self.status})"

    @property
    def refundable(self) -> Decimal:
        return self.total - self.amount_refunded if self.status in SETTLED else Decimal("0")

    @property
    def amount_due(self) -> Decimal:
        """What the provider collects: the total less the LoopPay credits applied (every provider reads this)."""
        return self.total - self.credits_applied


class PromoKind(models.TextChoices):
    PERCENT = "percent", "Percentage off"
    FIXED = "fixed", "Fixed amount off each seat"


class PromoCode(AuditedModel):
    """A discount code of one event: a percentage or a fixed amount off each seat, for some tiers or all.

    `uses` counts the orders holding a use (pending or paid); it moves only by conditional UPDATEs in
    `loopin.payments.services.promos`, so `max_uses` is never passed, even by buyers racing for the last use.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="promo_codes")
    code = models.CharField(max_length=64, help_text="Matched in any letter case; stored upper case.")
    kind = models.CharField(max_length=16, choices=PromoKind.choices)
    amount = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Percent (below 100) or an amount per seat.",
    )
    tiers = models.ManyToManyField(
        "events.TicketTier", blank=True, related_name="promo_codes", help_text="None chosen: every tier."
    )
    max_uses = models.PositiveIntegerField(null=True, blank=True, help_text="Orders in all; empty: no limit.")
    max_uses_per_person = models.PositiveIntegerField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="promo_code_once_per_event"),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses__lte=models.F("max_uses")), name="promo_never_overused"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: object, **kwargs: object) -> None:
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class PaymentEvent(models.Model):
    """Every verified provider webhook, stored once (deduplicated by the provider's event id)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.CharField(max_length=16, choices=Provider.choices)
    event_id = models.CharField(max_length=191)
    kind = models.CharField(max_length=64, help_text="Our reading of it: payment.succeeded, refund.processed, …")
    provider_type = models.CharField(max_length=128, blank=True)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    charge = models.ForeignKey(Charge, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    payload = models.JSONField(default=dict)
    parsed = models.JSONField(default=dict, help_text="What we read from it: payment, amount, refund ids.")
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="payment_event_once")]

    def __str__(self) -> str:
        return f"{self.provider} {self.kind} {self.event_id}"


class RefundStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PROCESSED = "processed", "Processed"
    FAILED = "failed", "Failed"


class Refund(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    host_amount = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="The part taken back from the host's earning."
    )
    reason = models.CharField(max_length=64)
    to_credits = models.BooleanField(
        default=False, help_text="The credit part of a refund of an order paid partly with credits: back as credits."
    )
    status = models.CharField(max_length=16, choices=RefundStatus.choices, default=RefundStatus.PENDING, db_index=True)
    idempotency_key = models.CharField(max_length=128, unique=True)
    provider_refund_id = models.CharField(max_length=128, blank=True, db_index=True)
    failure_reason = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"refund {self.amount} ({self.status})"


class BankAccount(AuditedModel, DeletedByModel):
    """A payout account of a person (`user`) or of an organisation (`organisation`, exactly one of the two); the
    number is stored encrypted (Fernet) and shown masked.

    Its tombstone is `removed_at` (kept, emptied, for the payouts that point to it); `deleted_by` names who set it.
    The audit fields matter most for an organisation's accounts, which any owner or admin may add or remove."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = number_field("payments", "bankaccount")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="bank_accounts"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="bank_accounts"
    )
    holder_name = models.CharField(max_length=120)
    bank_name = models.CharField(max_length=120)
    ifsc = models.CharField(max_length=11)
    account_number_encrypted = models.TextField()
    last4 = models.CharField(max_length=4)
    is_primary = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_primary", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_primary=True, removed_at__isnull=True), name="one_primary_bank_account"
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_primary=True, removed_at__isnull=True),
                name="one_primary_organisation_bank_account",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False, organisation__isnull=True)
                | Q(user__isnull=True, organisation__isnull=False),
                name="bank_account_of_a_person_or_an_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank_name} {self.masked}"

    @property
    def masked(self) -> str:
        return f"XXXX{self.last4}"


class PayoutStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    PROCESSING = "processing", "Processing"
    COMPLETED = "completed", "Completed"
    REJECTED = "rejected", "Rejected"


ACTIVE_PAYOUT = [PayoutStatus.REQUESTED, PayoutStatus.APPROVED, PayoutStatus.PROCESSING]

# What a payout pays: one event's host earnings, or a registered source's balance (see payout_sources).
EVENT_PAYOUT = "event"


class PayoutRequest(models.Model):
    """A request to pay a balance to the recipient's bank account: an event's earnings (`source=event`,
    `event` set) or another source's balance (`source` a registered payout source such as `marketplace`,
    no event), decided by finance staff the same way.

    An organisation's payout (`organisation` set) pays its event's owner share to the organisation's account;
    `host` is then the member who asked for it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(max_length=16, default=EVENT_PAYOUT, db_index=True)
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.PROTECT, related_name="payout_requests"
    )
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payout_requests")
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="payout_requests"
    )
    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="payouts")
    status = models.CharField(max_length=16, choices=PayoutStatus.choices, default=PayoutStatus.REQUESTED)
    currency = models.CharField(max_length=3, default="INR")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    gross_earnings = models.DecimalField(max_digits=12, decimal_places=2)
    refunds_total = models.DecimalField(max_digits=12, decimal_places=2)
    previously_paid = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    tickets_sold = models.PositiveIntegerField(default=0)
    attendees = models.PositiveIntegerField(default=0)
    account_masked = models.CharField(max_length=16, blank=True)
    transaction_ref = models.CharField(max_length=128, blank=True)
    rejection_reason = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "host"], condition=Q(status__in=ACTIVE_PAYOUT), name="one_active_payout_per_event_host"
            ),
            models.UniqueConstraint(
                fields=["source", "host"],
                condition=Q(status__in=ACTIVE_PAYOUT, event__isnull=True),
                name="one_active_payout_per_source_host",
            ),
            models.UniqueConstraint(
                fields=["event"],
                condition=Q(status__in=ACTIVE_PAYOUT, organisation__isnull=False),
                name="one_active_organisation_payout_per_event",
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=True) | Q(source=EVENT_PAYOUT),
                name="organisation_payout_of_an_event",
            ),
            models.CheckConstraint(
                condition=Q(source=EVENT_PAYOUT, event__isnull=False)
                | (~Q(source=EVENT_PAYOUT) & Q(event__isnull=True)),
                name="payout_event_iff_event_source",
            ),
        ]
        permissions = [("decide_payout", "Can approve, process, complete or reject payouts")]

    def __str__(self) -> str:
        return f"payout {self.amount} {self.currency} ({self.status})"


# ---------------------------------------------------------------- automatic settlement

SETTLING_PROVIDERS = [Provider.RAZORPAY, Provider.STRIPE]


class SettlementAccountStatus(models.TextChoices):
    PENDING = "pending", "Pending (not verified with the provider, or not yet able to receive)"
    ACTIVE = "active", "Active (the provider says it can receive transfers)"
    DISABLED = "disabled", "Disabled"


class SettlementAccount(models.Model):
    """A host's account at a provider that takes transfers: a Razorpay Route linked account (`acc_...`) or a
    Stripe Connect connected account (`acct_...`). Active only after the provider confirmed it (GET account)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="settlement_accounts")
    provider = models.CharField(max_length=16, choices=Provider.choices)
    account_id = models.CharField(max_length=64)
    status = models.CharField(
        max_length=16, choices=SettlementAccountStatus.choices, default=SettlementAccountStatus.PENDING
    )
    provider_status = models.CharField(max_length=64, blank=True, help_text="What the provider last said.")
    verified_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "account_id"], name="settlement_account_once"),
            models.UniqueConstraint(
                fields=["user", "provider"], condition=Q(status="active"), name="one_active_settlement_account"
            ),
        ]
        permissions = [("verify_settlementaccount", "Can verify or disable settlement accounts")]

    def __str__(self) -> str:
        return f"{self.provider} {self.account_id} ({self.status})"


class SettlementMode(models.TextChoices):
    MANUAL = "manual", "Manual (payout requests)"
    AUTO = "auto", "Automatic (provider transfers)"


class EventSettlement(models.Model):
    """How an event's host earning is settled: the mode and the split between the owner and co-hosts.

    No row (or no splits) means the owner takes it all. Each paid order snapshots this into Settlement rows,
    so a later change never moves money already earned."""

    event = models.OneToOneField("events.Event", on_delete=models.CASCADE, related_name="settlement")
    mode = models.CharField(max_length=8, choices=SettlementMode.choices, default=SettlementMode.MANUAL)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"settlement of {self.event_id} ({self.mode})"


class SettlementSplit(models.Model):
    """One recipient's share of an event's host earning, in basis points (all of an event's sum to 10000)."""

    config = models.ForeignKey(EventSettlement, on_delete=models.CASCADE, related_name="splits")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    share_bps = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(10000)])

    class Meta:
        ordering = ["-share_bps", "id"]
        constraints = [models.UniqueConstraint(fields=["config", "recipient"], name="split_recipient_once")]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.share_bps} bps"


class SettlementMethod(models.TextChoices):
    TRANSFER = "transfer", "Provider transfer"
    PAYOUT = "payout", "Manual payout request"


class SettlementFunding(models.TextChoices):
    CARD = "card", "Paid by the card (the provider payment)"
    CREDITS = "credits", "Paid with LoopPay credits (settled by payout)"


class SettlementStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Being sent to the provider"
    TRANSFERRED = "transferred", "Transferred"
    FAILED = "failed", "Failed (retried by the sweep or from the admin)"
    MANUAL = "manual", "Counted in the recipient's payout balance"


class Settlement(models.Model):
    """One recipient's share of one paid order's host earning, snapshotted when the order was paid: the part the
    card paid (`funding=card`, transferred or paid out) and the part paid with LoopPay credits (`funding=credits`,
    always paid out), at most one row of each per recipient."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="settlements")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="settlements")
    is_owner = models.BooleanField(default=False, help_text="The event's owner (takes the remainder paise).")
    method = models.CharField(max_length=16, choices=SettlementMethod.choices)
    funding = models.CharField(
        max_length=8,
        choices=SettlementFunding.choices,
        default=SettlementFunding.CARD,
        help_text="Which part of the order pays this share: its card payment or the LoopPay credits applied to it.",
    )
    provider = models.CharField(max_length=16, choices=Provider.choices)
    account = models.ForeignKey(
        SettlementAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="settlements"
    )
    currency = models.CharField(max_length=3)
    share_bps = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    amount_reversed = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    status = models.CharField(max_length=16, choices=SettlementStatus.choices, db_index=True)
    provider_transfer_id = models.CharField(max_length=128, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="When a task last took it to send.")
    error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    transferred_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-is_owner"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "recipient", "funding"], name="settlement_once_per_order_recipient_funding"
            ),
            models.CheckConstraint(
                condition=Q(funding="card") | Q(method="payout"), name="settlement_credits_paid_out"
            ),
            models.CheckConstraint(
                condition=Q(amount_reversed__lte=models.F("amount")), name="settlement_reversed_le_amount"
            ),
        ]
        permissions = [("retry_settlement", "Can retry failed settlements and reversals")]

    def __str__(self) -> str:
        return f"settlement {self.amount} {self.currency} ({self.method}, {self.status})"


class ReversalStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    REVERSED = "reversed", "Reversed at the provider"
    FAILED = "failed", "Failed (retried by the sweep or from the admin)"
    RECORDED = "recorded", "Recorded (a manual share: taken off the payout balance)"


class SettlementReversal(models.Model):
    """A refund's proportional part taken back from one settlement (one row per settlement and refund)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="reversals")
    refund = models.ForeignKey(Refund, on_delete=models.PROTECT, related_name="settlement_reversals")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(max_length=16, choices=ReversalStatus.choices, db_index=True)
    provider_reversal_id = models.CharField(max_length=128, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reversed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["settlement", "refund"], name="reversal_once_per_refund")]

    def __str__(self) -> str:
        return f"reversal {self.amount} ({self.status})"
