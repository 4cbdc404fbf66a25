"""Admin of venue commerce: staff roles, counters, the menu (editable by permission), orders (looked at; moved on
only through the state machine, by an action that needs `change_venueorder`)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from loopin.core.admin import AuditedAdmin, AuditedTabularInline, KeptRecordAdmin
from loopin.core.errors import LoopinError
from loopin.venuecommerce.models import (
    Counter,
    EventAvailability,
    MenuItem,
    MenuVariant,
    VenueOrder,
    VenueOrderLine,
    VenueStaff,
)
from loopin.venuecommerce.services.transitions import order_transition
from loopin.venuecommerce.states import OrderState


@admin.register(VenueStaff)
class VenueStaffAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("venue", "user", "role", "accepted_at", "added_by", "created_at")
    list_filter = ("role",)
    search_fields = ("venue__name", "user__name")
    list_select_related = ("venue", "user", "added_by")
    raw_id_fields = ("venue", "user", "added_by")


@admin.register(Counter)
class CounterAdmin(AuditedAdmin):
    list_display = ("name", "venue", "location_hint", "is_open")
    list_filter = ("is_open",)
    search_fields = ("name", "venue__name")
    list_select_related = ("venue",)
    raw_id_fields = ("venue",)


class MenuVariantInline(AuditedTabularInline):
    model = MenuVariant
    extra = 0
    fields = ("name", "price", "stock", "is_active", "position")


class EventAvailabilityInline(AuditedTabularInline):
    model = EventAvailability
    extra = 0
    raw_id_fields = ("event",)


@admin.register(MenuItem)
class MenuItemAdmin(AuditedAdmin):
    list_display = ("name", "venue", "kind", "gst_rate", "is_active", "position")
    list_filter = ("kind", "is_active", "gst_rate")
    search_fields = ("name", "venue__name")
    list_select_related = ("venue",)
    raw_id_fields = ("venue",)
    inlines = [MenuVariantInline, EventAvailabilityInline]


@admin.register(MenuVariant)
class MenuVariantAdmin(AuditedAdmin):
    list_display = ("__str__", "price", "stock", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "item__name", "item__venue__name")
    list_select_related = ("item",)
    raw_id_fields = ("item",)


class VenueOrderLineInline(admin.TabularInline):  # type: ignore[type-arg]
    model = VenueOrderLine
    extra = 0
    can_delete = False
    readonly_fields = (
        "variant",
        "item_name",
        "variant_name",
        "quantity",
        "unit_price",
        "gst_rate",
        "net",
        "tax",
        "total",
        "stock_counted",
    )

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(VenueOrder)
class VenueOrderAdmin(KeptRecordAdmin):
    list_display = ("code", "event", "counter", "user", "status", "fulfilment", "total", "payment_method", "created_at")
    list_filter = ("status", "fulfilment", "payment_method")
    search_fields = ("code", "event__title", "venue__name", "user__name")
    list_select_related = ("event", "counter", "user")
    date_hierarchy = "created_at"
    inlines = [VenueOrderLineInline]
    actions = ["cancel_with_refund"]
    exclude = ("checkout",)

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [f.name for f in VenueOrder._meta.fields if f.name != "checkout"]

    @admin.action(description="Cancel (refund what was paid)", permissions=["change"])
    def cancel_with_refund(self, request: HttpRequest, queryset: QuerySet[VenueOrder]) -> None:
        done = 0
        for order in queryset.exclude(status__in=[OrderState.CANCELLED, OrderState.DELIVERED, OrderState.PICKED_UP]):
            try:
                order_transition(
                    user=request.user,  # type: ignore[arg-type]
                    venue_id=order.venue_id,
                    order_id=order.id,
                    to=OrderState.CANCELLED,
                    reason="cancelled by Loopin staff",
                )
                done += 1
            except LoopinError as exc:
                self.message_user(request, f"{order.code}: {exc.message}", messages.ERROR)
        self.message_user(request, f"{done} order(s) cancelled.", messages.SUCCESS)
