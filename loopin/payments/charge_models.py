"""Charges: a card payment for something that is not a ticket order (a LoopPay top-up, a concession order,
a parking reservation, a marketplace purchase), through the same providers and webhooks as orders.

A charge names its `purpose` (a registered `loopin.payments.charge_purposes.ChargePurpose`) and the thing paid
for (`reference`, that package's id). The purpose's handler fulfils it exactly once, when the provider confirms.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q


class ChargeStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    FAILED = "failed", "Payment failed"
    CANCELLED = "cancelled", "Cancelled before paying"
    PAID = "paid", "Paid"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    REFUNDED = "refunded", "Refunded"


CHARGE_SETTLED = [ChargeStatus.PAID, ChargeStatus.PARTIALLY_REFUNDED, ChargeStatus.REFUNDED]


class Charge(models.Model):
    """One card payment for a purpose + reference; `amount_due` is what the provider is asked for."""

    # The sandbox provider's checkout page for charges (orders have their own).
    sandbox_page = "/api/payments/sandbox/charges/"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="charges")
    purpose = models.CharField(max_length=32, db_index=True)
    reference = models.CharField(max_length=64, db_index=True, help_text="The id of the thing paid for.")
    description = models.CharField(max_length=120, help_text="Shown on the checkout (no quotes or angle brackets).")
    provider = models.CharField(max_length=16)
    status = models.CharField(max_length=20, choices=ChargeStatus.choices, default=ChargeStatus.PENDING, db_index=True)
    currency = models.CharField(max_length=3, default="INR")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    amount_refunded = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    provider_order_id = models.CharField(max_length=128, blank=True, db_index=True)
    provider_payment_id = models.CharField(max_length=128, blank=True)
    checkout = models.JSONField(default=dict, blank=True, help_text="What the client needs to pay.")
    checkout_attempt = models.PositiveSmallIntegerField(
        default=1, help_text="How many checkouts the charge was given (PayU needs a new txnid for each)."
    )
    failure_reason = models.CharField(max_length=255, blank=True)
    review_reason = models.CharField(max_length=255, blank=True, help_text="A payment that did not match: staff.")
    fulfilment = models.CharField(max_length=255, blank=True, help_text="What the purpose's handler said.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "reference"], condition=Q(status="pending"), name="one_open_charge_per_reference"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="charge_amount_positive"),
            models.CheckConstraint(condition=Q(amount_refunded__lte=models.F("amount")), name="charge_refund_le_total"),
        ]
        permissions = [("refund_charge", "Can refund a charge")]

    def __str__(self) -> str:
        return f"charge {self.purpose} {self.amount} {self.currency} ({self.status})"

    @property
    def total(self) -> Decimal:
        """What the provider collects (the providers read `total`, as on an order)."""
        return self.amount

    @property
    def amount_due(self) -> Decimal:
        """What the provider collects (the providers read `amount_due`, as on an order)."""
        return self.amount

    @property
    def product_info(self) -> str:
        return self.description


class ChargeRefund(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.CharField(max_length=64)
    status = models.CharField(max_length=16, default="pending", db_index=True)  # RefundStatus values
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
        return f"charge refund {self.amount} ({self.status})"
