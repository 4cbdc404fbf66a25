from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from loopin.core.admin import KeptRecordAdmin, ReadOnlyAdmin
from loopin.tickets.models import CalendarFeed, CheckinKey, DoorStaff, EventDoorSettings, Scan, Ticket


@admin.register(Ticket)
class TicketAdmin(KeptRecordAdmin):
    list_display = ("code", "event", "user", "seats", "status", "source", "inside", "checked_in_at", "issued_at")
    list_filter = ("status", "source", "inside")
    search_fields = ("code", "event__title", "user__name", "user__phone_number")
    list_select_related = ("event", "user")
    readonly_fields = (
        "id",
        "event",
        "user",
        "seats",
        "status",
        "source",
        "code",
        "join_request",
        "invitation",
        "issued_at",
        "cancelled_at",
        "cancel_reason",
        "checked_in_at",
        "inside",
        "entry_count",
        "last_scan_at",
        "no_show_at",
    )


@admin.register(Scan)
class ScanAdmin(ReadOnlyAdmin):
    list_display = (
        "scanned_at",
        "event",
        "ticket",
        "direction",
        "result",
        "reason",
        "duplicate",
        "offline",
        "scanned_by",
        "device_id",
    )
    list_filter = ("result", "direction", "offline", "duplicate", "method")
    search_fields = ("ticket__code", "event__title", "nonce", "device_id")
    list_select_related = ("event", "ticket", "scanned_by")
    date_hierarchy = "scanned_at"
    exclude = ("response", "fingerprint")


@admin.register(DoorStaff)
class DoorStaffAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("event", "user", "added_by", "created_at")
    search_fields = ("event__title", "user__name", "user__phone_number")
    list_select_related = ("event", "user", "added_by")
    raw_id_fields = ("event", "user")


@admin.register(EventDoorSettings)
class EventDoorSettingsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("event", "reentry_allowed", "opens_minutes_before", "opened_at", "no_shows_marked_at")
    list_select_related = ("event",)
    raw_id_fields = ("event",)
    readonly_fields = ("opened_at", "no_shows_marked_at")


@admin.register(CheckinKey)
class CheckinKeyAdmin(ReadOnlyAdmin):
    list_display = ("kid", "event", "is_active", "created_at", "retired_at")
    list_filter = ("is_active",)
    search_fields = ("kid", "event__title")
    list_select_related = ("event",)
    exclude = ("private_key_encrypted",)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    """A person's secret feed address: staff can see that one exists and delete it (the address stops working)."""

    list_display = ("user", "created_at")
    search_fields = ("user__name", "user__phone_number")
    list_select_related = ("user",)
    exclude = ("token_hash",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("tickets.delete_calendarfeed")
