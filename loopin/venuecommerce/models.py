"""Venue commerce: the people who work a venue (roles), its counters, its menu of concessions and merchandise
(items, variants, prices with GST, stock where counted, availability per event) and guests' orders to their seat.

Money is Decimal in the venue's currency (INR); prices are before GST, tax is computed per order line and shown.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from loopin.core.models import AuditedModel
from loopin.venuecommerce.states import OrderState


class StaffRole(models.TextChoices):
    MANAGER = "manager", "Manager: everything at the venue"
    CONCESSIONS = "concessions", "Concessions: orders and stock"
    PARKING = "parking", "Parking"
    DOOR = "door", "Door"


class VenueStaff(models.Model):
    """A person who works a venue, in one role. Asked first: the powers start once they accept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    venue = models.ForeignKey("events.Venue", on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="venue_roles")
    role = models.CharField(max_length=16, choices=StaffRole.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True, help_text="Empty: asked, no powers yet.")

    class Meta:
        verbose_name = "venue staff member"
        verbose_name_plural = "venue staff"
        ordering = ["venue", "created_at"]
        constraints = [models.UniqueConstraint(fields=["venue", "user"], name="one_role_per_person_per_venue")]
        permissions = [("work_venue_door", "Can check tickets in at any venue's events (door)")]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class Counter(AuditedModel):
    """A pickup point at a venue (a bar, a food stand, a merchandise desk); it also prepares delivered orders."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    venue = models.ForeignKey("events.Venue", on_delete=models.CASCADE, related_name="counters")
    name = models.CharField(max_length=100)
    location_hint = models.CharField(max_length=200, blank=True, help_text="Where it is, e.g. 'Gate 2, level 1'.")
    is_open = models.BooleanField(default=True, help_text="A closed counter takes no new orders.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["venue", "name"]
        constraints = [models.UniqueConstraint(fields=["venue", "name"], name="counter_name_once_per_venue")]

    def __str__(self) -> str:
        return self.name


class ItemKind(models.TextChoices):
    FOOD = "food", "Food"
    DRINK = "drink", "Drink"
    MERCHANDISE = "merchandise", "Merchandise"


class MenuItem(AuditedModel):
    """Something the venue sells; what it costs is on its variants (sizes, flavours, shirt sizes)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    venue = models.ForeignKey("events.Venue", on_delete=models.CASCADE, related_name="menu_items")
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=16, choices=ItemKind.choices, default=ItemKind.FOOD)
    gst_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("5.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("28"))],
        help_text="GST in percent on the price (India: 0, 5, 12, 18 or 28).",
    )
    is_active = models.BooleanField(default=True, help_text="Off: not sold at any event (unless an event says so).")
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["venue", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "name"], name="menu_item_name_once_per_venue"),
            models.CheckConstraint(condition=Q(gst_rate__gte=0) & Q(gst_rate__lte=28), name="menu_item_gst_range"),
        ]

    def __str__(self) -> str:
        return self.name


class MenuVariant(AuditedModel):
    """One way to buy an item, with its price before GST and its stock (empty: not counted).

    `stock` moves only by conditional UPDATEs (`stock >= quantity`) in `services.orders`, so it never goes
    below zero even when guests race for the last one; the check constraint is the database's backstop."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(MenuItem, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(max_length=80, default="Regular")
    price = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))], help_text="Before GST."
    )
    stock = models.PositiveIntegerField(null=True, blank=True, help_text="Units left; empty: not counted.")
    is_active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["item", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["item", "name"], name="menu_variant_name_once_per_item"),
            models.CheckConstraint(condition=Q(price__gte=0), name="menu_variant_price_not_negative"),
            models.CheckConstraint(condition=Q(stock__isnull=True) | Q(stock__gte=0), name="menu_variant_stock_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.item.name} ({self.name})" if self.item_id else self.name


class EventAvailability(AuditedModel):
    """Whether an item is sold at one event, overriding the item's `is_active` there (no row: `is_active`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(MenuItem, on_delete=models.CASCADE, related_name="event_availability")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="menu_availability")
    is_available = models.BooleanField()

    class Meta:
        verbose_name_plural = "event availability"
        constraints = [models.UniqueConstraint(fields=["item", "event"], name="availability_once_per_item_event")]

    def __str__(self) -> str:
        return f"{self.item_id} at {self.event_id}: {'on' if self.is_available else 'off'}"


class Fulfilment(models.TextChoices):
    PICKUP = "pickup", "Pick up at the counter"
    DELIVERY = "delivery", "Delivered to a seat, section or table"


class PaymentMethod(models.TextChoices):
    CARD = "card", "Card (a payment provider)"
    CREDITS = "credits", "LoopPay credits"


class CancelledBy(models.TextChoices):
    GUEST = "guest", "The guest"
    STAFF = "staff", "Venue staff"
    SYSTEM = "system", "Loopin (payment failed or expired)"


class VenueOrder(models.Model):
    """A guest's order at an event: lines, tip, tax and total, where it goes, and where it is in its life."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=8, unique=True, help_text="Short code the counter calls out.")
    venue = models.ForeignKey("events.Venue", on_delete=models.PROTECT, related_name="orders")
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="venue_orders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="venue_orders")
    ticket = models.ForeignKey("tickets.Ticket", null=True, on_delete=models.SET_NULL, related_name="venue_orders")
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=20, choices=OrderState.choices, db_index=True)

    fulfilment = models.CharField(max_length=16, choices=Fulfilment.choices)
    section = models.CharField(max_length=40, blank=True)
    row = models.CharField(max_length=20, blank=True)
    seat = models.CharField(max_length=20, blank=True)
    table = models.CharField(max_length=20, blank=True)
    note = models.CharField(max_length=300, blank=True, help_text="From the guest, e.g. 'no ice'.")

    currency = models.CharField(max_length=3, default="INR")
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, help_text="The lines before GST.")
    tax_total = models.DecimalField(max_digits=12, decimal_places=2, help_text="GST, the sum of each line's.")
    tip = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    total = models.DecimalField(max_digits=12, decimal_places=2)

    payment_method = models.CharField(max_length=16, choices=PaymentMethod.choices)
    payment_reference = models.CharField(max_length=128, blank=True, help_text="The payment's id in payments/looppay.")
    checkout = models.JSONField(default=dict, blank=True, help_text="A card order: what the client needs to pay.")
    paid_at = models.DateTimeField(null=True, blank=True)
    amount_refunded = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    refund_reference = models.CharField(max_length=128, blank=True)

    stock_held = models.BooleanField(default=True, help_text="Counted stock is taken by this order.")
    idempotency_key = models.CharField(
        max_length=64, blank=True, default="", help_text="The guest's Idempotency-Key: a double tap makes one order."
    )
    request_fingerprint = models.CharField(max_length=64, blank=True, default="", help_text="What that key asked.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    placed_at = models.DateTimeField(null=True, blank=True, help_text="Paid: in the counter's queue.")
    accepted_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, help_text="Delivered or picked up.")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.CharField(max_length=8, choices=CancelledBy.choices, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["counter", "status", "placed_at"], name="venue_order_queue_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(tip__gte=0), name="venue_order_tip_not_negative"),
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=models.F("total")), name="venue_order_refund_le_total"
            ),
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="venue_order_one_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"order {self.code} ({self.status})"

    @property
    def deliver_to(self) -> str:
        parts = [("Section", self.section), ("Row", self.row), ("Seat", self.seat), ("Table", self.table)]
        return ", ".join(f"{label} {value}" for label, value in parts if value)


class VenueOrderLine(models.Model):
    """One line: a snapshot of what was bought at what price and GST rate, the line's tax rounded on its own."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(VenueOrder, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(MenuVariant, on_delete=models.PROTECT, related_name="order_lines")
    item_name = models.CharField(max_length=120)
    variant_name = models.CharField(max_length=80)
    quantity = models.PositiveSmallIntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    gst_rate = models.DecimalField(max_digits=5, decimal_places=2)
    net = models.DecimalField(max_digits=12, decimal_places=2, help_text="unit price × quantity")
    tax = models.DecimalField(max_digits=12, decimal_places=2, help_text="net × GST rate, rounded half up")
    total = models.DecimalField(max_digits=12, decimal_places=2)
    stock_counted = models.BooleanField(default=False, help_text="Its stock was taken (and is given back on cancel).")

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="venue_order_line_quantity_gte_1")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item_name} ({self.variant_name})"
