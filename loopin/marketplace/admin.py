"""The marketplace in the admin: listings (staff take them down through reports; changing them follows the
model permissions), orders and ratings are looked at, the fee is edited (its own change permission)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from loopin.core.admin import KeptRecordAdmin, ReadOnlyAdmin
from loopin.marketplace.models import Listing, ListingPhoto, MarketplaceFee, MarketplaceOrder, Rating


class PhotoInline(admin.TabularInline):
    model = ListingPhoto
    extra = 0
    raw_id_fields = ("media",)


@admin.register(Listing)
class ListingAdmin(KeptRecordAdmin):
    list_display = ("title", "seller", "price", "currency", "category", "city", "status", "created_at")
    list_filter = ("status", "category", "condition")
    search_fields = ("title", "city", "seller__name")
    raw_id_fields = ("seller", "reserved_by")
    readonly_fields = ("status", "reserved_by", "reserved_until", "sold_at", "removed_at")
    inlines = [PhotoInline]


@admin.register(MarketplaceOrder)
class MarketplaceOrderAdmin(ReadOnlyAdmin):
    list_display = ("id", "listing", "buyer", "seller", "status", "total", "currency", "created_at")
    list_filter = ("status",)
    search_fields = ("id", "listing__title")
    raw_id_fields = ("listing", "buyer", "seller")


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("order", "rater", "ratee", "stars", "created_at")
    raw_id_fields = ("order", "rater", "ratee")


@admin.register(MarketplaceFee)
class MarketplaceFeeAdmin(admin.ModelAdmin):
    list_display = ("__str__", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not MarketplaceFee.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
