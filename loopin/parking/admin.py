"""Parking in the admin: lots with their pricing bands (Django model permissions decide who edits them);
reservations, scans and overstay charges are written by services and only looked at (waiving a charge is an
action behind its own permission)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from loopin.audit.services import audit_record
from loopin.core.admin import AuditedAdmin, AuditedTabularInline, ReadOnlyAdmin
from loopin.parking.models import (
    ChargeStatus,
    GateScan,
    OverstayCharge,
    ParkingInventory,
    ParkingLot,
    ParkingPriceBand,
    ParkingQuote,
    ParkingReservation,
)


class BandInline(AuditedTabularInline):
    model = ParkingPriceBand
    extra = 0


@admin.register(ParkingLot)
class ParkingLotAdmin(AuditedAdmin):
    list_display = ("name", "venue", "spaces", "base_rate", "currency", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "venue__name")
    raw_id_fields = ("venue",)
    inlines = [BandInline]


@admin.register(ParkingInventory)
class ParkingInventoryAdmin(ReadOnlyAdmin):
    list_display = ("lot", "event", "spaces_taken")
    raw_id_fields = ("lot", "event")


@admin.register(ParkingQuote)
class ParkingQuoteAdmin(ReadOnlyAdmin):
    list_display = ("id", "lot", "user", "price", "currency", "expires_at", "used_at")
    raw_id_fields = ("lot", "event", "user")


@admin.register(ParkingReservation)
class ParkingReservationAdmin(ReadOnlyAdmin):
    list_display = ("id", "lot", "event", "user", "status", "price", "inside", "created_at")
    list_filter = ("status",)
    search_fields = ("id", "vehicle_plate", "user__name")
    raw_id_fields = ("lot", "event", "user", "quote")


@admin.register(GateScan)
class GateScanAdmin(ReadOnlyAdmin):
    list_display = ("scanned_at", "lot", "direction", "result", "reason", "scanned_by")
    list_filter = ("result", "direction")
    raw_id_fields = ("lot", "reservation", "scanned_by")


@admin.register(OverstayCharge)
class OverstayChargeAdmin(ReadOnlyAdmin):
    list_display = ("id", "reservation", "user", "amount", "currency", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("reservation", "user")
    actions = ["waive"]

    @admin.action(description="Waive the selected due charges", permissions=["waive"])
    def waive(self, request: HttpRequest, queryset: QuerySet[OverstayCharge]) -> None:
        waived = 0
        for charge in queryset.filter(status=ChargeStatus.DUE):
            if OverstayCharge.objects.filter(id=charge.id, status=ChargeStatus.DUE).update(status=ChargeStatus.WAIVED):
                audit_record(action="parking.overstay_waived", actor=request.user, obj=charge)
                waived += 1
        self.message_user(request, f"{waived} charge(s) waived.", messages.SUCCESS)

    def has_waive_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("parking.waive_overstaycharge"))
