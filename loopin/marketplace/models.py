"""The marketplace: people's listings (with photos from the media pipeline), the fee, orders (one buyer at a
time per listing, paid through the payment providers) and ratings after a completed sale."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class Category(models.TextChoices):
    ELECTRONICS = "electronics", "Electronics"
    FASHION = "fashion", "Fashion"
    HOME = "home", "Home & furniture"
    SPORTS = "sports", "Sports & outdoors"
    BOOKS = "books", "Books"
    MUSIC = "music", "Music & instruments"
    TICKETS_MERCH = "merch", "Event merchandise"
    VEHICLES = "vehicles", "Vehicles & bikes"
    OTHER = "other", "Other"


class Condition(models.TextChoices):
    NEW = "new", "New"
    LIKE_NEW = "like_new", "Like new"
    GOOD = "good", "Good"
    FAIR = "fair", "Fair"


class ListingStatus(models.TextChoices):
    ACTIVE = "active", "For sale"
    RESERVED = "reserved", "A buyer is paying"
    SOLD = "sold", "Sold"
    REMOVED = "removed", "Removed"


class Listing(models.Model):
    """Something a person sells. While RESERVED one buyer's order holds it (`reserved_until`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    seller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="listings")
    title = models.CharField(max_length=120)
    description = models.TextField(max_length=5000, blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("1.00"))])
    currency = models.CharField(max_length=3, default="INR")
    category = models.CharField(max_length=16, choices=Category.choices, db_index=True)
    condition = models.CharField(max_length=16, choices=Condition.choices)
    city = models.CharField(max_length=100, db_index=True)
    status = models.CharField(max_length=16, choices=ListingStatus.choices, default=ListingStatus.ACTIVE, db_index=True)
    reserved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reserved_until = models.DateTimeField(null=True, blank=True)
    sold_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "category", "city"])]
        constraints = [models.CheckConstraint(condition=Q(price__gt=0), name="listing_price_positive")]

    def __str__(self) -> str:
        return self.title


class ListingPhoto(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="photos")
    media = models.ForeignKey("media.Media", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["listing", "position"]

    def __str__(self) -> str:
        return f"photo {self.position} of {self.listing_id}"


class MarketplaceFee(models.Model):
    """The platform fee on marketplace sales (a singleton, edited in the admin). Orders keep a snapshot."""

    fee_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("5.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("50"))],
        help_text="Added on top of the listing's price; the seller earns the price.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "marketplace fee"
        verbose_name_plural = "marketplace fee"

    def __str__(self) -> str:
        return f"Marketplace fee {self.fee_percent} %"

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> MarketplaceFee:
        config, _ = cls.objects.get_or_create(pk=1)
        return config


class OrderStatus(models.TextChoices):
    PENDING = "pending", "Waiting for payment (the listing is held)"
    PAID = "paid", "Paid"
    COMPLETED = "completed", "Handed over"
    EXPIRED = "expired", "Hold expired unpaid"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"


class MarketplaceOrder(models.Model):
    """One buyer buying one listing, with a snapshot of the price and the fee."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="orders")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="marketplace_buys")
    seller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="marketplace_sales")
    status = models.CharField(max_length=16, choices=OrderStatus.choices, default=OrderStatus.PENDING, db_index=True)
    currency = models.CharField(max_length=3)
    price = models.DecimalField(max_digits=10, decimal_places=2, help_text="The listing's price: the seller's earning.")
    fee_percent = models.DecimalField(max_digits=5, decimal_places=2)
    fee_amount = models.DecimalField(max_digits=10, decimal_places=2)
    total = models.DecimalField(max_digits=10, decimal_places=2, help_text="What the buyer pays.")
    hold_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    payment_reference = models.CharField(max_length=128, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    refund_reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing"], condition=Q(status="pending"), name="one_pending_order_per_listing"
            ),
            models.CheckConstraint(condition=Q(total__gt=0), name="marketplace_order_total_positive"),
        ]
        permissions = [("refund_marketplaceorder", "Can refund a marketplace sale")]

    def __str__(self) -> str:
        return f"order {str(self.id)[:8]} ({self.status})"


class Rating(models.Model):
    """One side's rating of the other after a completed sale (one per side per sale)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(MarketplaceOrder, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ratee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="marketplace_ratings")
    stars = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["order", "rater"], name="one_rating_per_side_per_sale"),
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="rating_stars_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.stars}★ for {self.ratee_id}"
