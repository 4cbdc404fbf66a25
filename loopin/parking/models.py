"""Parking at venues: lots with their pricing rule and bands, per-event space counters, quotes, reservations
(held like seats), gate scans and overstay charges."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from loopin.core.models import AuditedModel


class ParkingLot(AuditedModel):
    """A lot at a venue: its spaces, where it is, and its pricing rule (per hour of the reserved window)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    venue = models.ForeignKey("events.Venue", on_delete=models.CASCADE, related_name="parking_lots")
    name = models.CharField(max_length=120)
    spaces = models.PositiveIntegerField(validators=[MinValueValidator(1)], help_text="Spaces Loopin may reserve.")
    latitude = models.DecimalField(
        max_digits=9, decimal_places=6, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.DecimalField(
        max_digits=9, decimal_places=6, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    directions = models.CharField(max_length=500, blank=True, help_text="How to find the entrance.")
    currency = models.CharField(max_length=3, default="INR")
    base_rate = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))], help_text="Per hour; 0 = free."
    )
    min_price = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="A reservation never costs less."
    )
    max_price = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="A reservation never costs more."
    )
    opens_minutes_before = models.PositiveIntegerField(
        default=60, validators=[MaxValueValidator(1440)], help_text="The reserved window starts this long before."
    )
    closes_minutes_after = models.PositiveIntegerField(
        default=60, validators=[MaxValueValidator(1440)], help_text="The reserved window ends this long after."
    )
    grace_minutes = models.PositiveIntegerField(
        default=15, validators=[MaxValueValidator(240)], help_text="Leaving this late after the window is free."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["venue", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(base_rate__gte=0), name="parking_lot_rate_not_negative"),
            models.CheckConstraint(
                condition=Q(min_price__isnull=True) | Q(max_price__isnull=True) | Q(min_price__lte=F("max_price")),
                name="parking_lot_min_le_max",
            ),
        ]
        permissions = [("operate_gate", "Can scan parking passes at any lot's gate")]

    def __str__(self) -> str:
        return self.name


class BandKind(models.TextChoices):
    OCCUPANCY = "occupancy", "Occupancy (percent of spaces taken, at least)"
    LEAD_TIME = "lead_time", "Time to the event's start (minutes, at most)"


class ParkingPriceBand(AuditedModel):
    """One multiplier of a lot's rule. Occupancy: applies from `threshold` percent taken (the highest band
    reached wins). Lead time: applies when the event starts within `threshold` minutes (the nearest wins)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    lot = models.ForeignKey(ParkingLot, on_delete=models.CASCADE, related_name="bands")
    kind = models.CharField(max_length=16, choices=BandKind.choices)
    threshold = models.PositiveIntegerField()
    multiplier = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(10)]
    )

    class Meta:
        ordering = ["lot", "kind", "threshold"]
        constraints = [models.UniqueConstraint(fields=["lot", "kind", "threshold"], name="one_band_per_threshold")]

    def __str__(self) -> str:
        return f"{self.kind} {self.threshold}: x{self.multiplier}"


class ParkingInventory(models.Model):
    """A lot's spaces for one event: `spaces_taken` counts live holds and paid reservations and only moves
    in conditional UPDATEs (never above the lot's spaces)."""

    lot = models.ForeignKey(ParkingLot, on_delete=models.CASCADE, related_name="inventories")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="parking_inventories")
    spaces_taken = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lot", "event"], name="one_inventory_per_lot_event")]
        verbose_name_plural = "parking inventories"

    def __str__(self) -> str:
        return f"{self.lot_id} / {self.event_id}: {self.spaces_taken}"


class ParkingQuote(models.Model):
    """A price shown to one guest, kept for a few minutes: reserving with it pays exactly this amount."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    lot = models.ForeignKey(ParkingLot, on_delete=models.CASCADE, related_name="quotes")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="parking_quotes")
    currency = models.CharField(max_length=3)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    breakdown = models.JSONField(default=dict, help_text="Hours, rate, multipliers and caps applied.")
    reserved_from = models.DateTimeField()
    reserved_until = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"quote {str(self.id)[:8]} {self.price} {self.currency}"


class ReservationStatus(models.TextChoices):
    PENDING = "pending", "Held, waiting for payment"
    CONFIRMED = "confirmed", "Confirmed (paid or free)"
    EXPIRED = "expired", "Hold expired unpaid"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Left the lot"


LIVE = [ReservationStatus.PENDING, ReservationStatus.CONFIRMED]


class ParkingReservation(models.Model):
    """One guest's space in a lot for an event. While PENDING or CONFIRMED it counts in the inventory."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    lot = models.ForeignKey(ParkingLot, on_delete=models.PROTECT, related_name="reservations")
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="parking_reservations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="parking_reservations")
    quote = models.OneToOneField(ParkingQuote, on_delete=models.PROTECT, related_name="reservation")
    vehicle_plate = models.CharField(max_length=16, blank=True)
    status = models.CharField(
        max_length=16, choices=ReservationStatus.choices, default=ReservationStatus.PENDING, db_index=True
    )
    currency = models.CharField(max_length=3)
    price = models.DecimalField(max_digits=10, decimal_places=2, help_text="The quoted price, what is paid.")
    reserved_from = models.DateTimeField()
    reserved_until = models.DateTimeField()
    hold_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    payment_reference = models.CharField(max_length=128, blank=True, help_text="The payment that confirmed it.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # At the gate (written only by loopin.parking.gate under this row's lock).
    inside = models.BooleanField(default=False)
    entered_at = models.DateTimeField(null=True, blank=True, help_text="First entry.")
    exited_at = models.DateTimeField(null=True, blank=True, help_text="Last exit.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(status__in=["pending", "confirmed"]),
                name="one_live_parking_per_user_event",
            ),
        ]

    def __str__(self) -> str:
        return f"parking {str(self.id)[:8]} ({self.status})"


class GateDirection(models.TextChoices):
    ENTRY = "entry", "Entry"
    EXIT = "exit", "Exit"


class GateResult(models.TextChoices):
    OK = "ok", "OK"
    INVALID = "invalid", "Not a valid parking pass"
    WRONG_LOT = "wrong_lot", "For another lot"
    NOT_CONFIRMED = "not_confirmed", "Not paid or cancelled"
    NOT_YET_OPEN = "not_yet_open", "Before the reserved window"
    ALREADY_INSIDE = "already_inside", "Already inside"
    NOT_INSIDE = "not_inside", "Not inside"
    WINDOW_OVER = "window_over", "The reserved window is over"


class GateScan(models.Model):
    """Every scan at a gate, failed ones too, with the answer given (the same nonce replays it)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    lot = models.ForeignKey(ParkingLot, on_delete=models.CASCADE, related_name="scans")
    reservation = models.ForeignKey(
        ParkingReservation, null=True, blank=True, on_delete=models.CASCADE, related_name="scans"
    )
    scanned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    nonce = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64, help_text="What was scanned, hashed: a nonce reused for another scan")
    direction = models.CharField(max_length=8, choices=GateDirection.choices)
    result = models.CharField(max_length=16, choices=GateResult.choices)
    reason = models.CharField(max_length=32, blank=True)
    response = models.JSONField(default=dict)
    scanned_at = models.DateTimeField()

    class Meta:
        ordering = ["-scanned_at"]
        constraints = [models.UniqueConstraint(fields=["lot", "nonce"], name="one_gate_scan_per_nonce")]

    def __str__(self) -> str:
        return f"{self.direction} {self.result}"


class ChargeStatus(models.TextChoices):
    DUE = "due", "Due"
    PAID = "paid", "Paid"
    WAIVED = "waived", "Waived by staff"


class OverstayCharge(models.Model):
    """What a guest owes for leaving after the reserved window (and its grace), at the lot's hourly rate."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reservation = models.OneToOneField(ParkingReservation, on_delete=models.PROTECT, related_name="overstay")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="parking_charges")
    minutes = models.PositiveIntegerField(help_text="Minutes past the reserved window.")
    hours_charged = models.PositiveIntegerField(help_text="Started hours past the window and its grace.")
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=8, choices=ChargeStatus.choices, default=ChargeStatus.DUE, db_index=True)
    payment_reference = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="overstay_amount_positive")]
        permissions = [("waive_overstaycharge", "Can waive an overstay charge")]

    def __str__(self) -> str:
        return f"overstay {self.amount} {self.currency} ({self.status})"
