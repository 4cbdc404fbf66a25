from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from loopin.core.errors import LoopinError
from loopin.notifications import campaigns as campaign_services
from loopin.notifications.models import Campaign, Delivery, Device, Notification, NotificationTemplate
from loopin.notifications.services import device_deactivate, notification_resend
from loopin.notifications.templates import placeholders, template_in_use, template_save_version


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    list_display = ("key", "version", "category", "title", "is_active", "created_at")
    list_filter = ("category", "is_active")
    search_fields = ("key", "title", "body")
    readonly_fields = ("version", "placeholders_used", "created_by", "created_at")
    fields = ("key", "version", "category", "title", "body", "screen", "is_active", "placeholders_used")

    @admin.display(description="Placeholders")
    def placeholders_used(self, obj: NotificationTemplate) -> str:
        return ", ".join(sorted(placeholders(obj.title) | placeholders(obj.body))) or "—"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (*self.readonly_fields, "key") if obj else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: NotificationTemplate, form: Any, change: bool) -> None:
        saved = template_save_version(template=obj, by=request.user)
        if change and saved.pk != obj.pk:
            self.message_user(
                request,
                f"{obj.key} v{obj.version} is in use, so your changes were saved as v{saved.version}.",
                messages.INFO,
            )
            obj.pk = saved.pk  # the redirect shows the new version

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and template_in_use(obj):
            return False
        return super().has_delete_permission(request, obj)


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("device", "status", "attempts", "provider_message_id", "last_error", "sent_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("type", "user", "title", "created_at", "read_at", "push_requested")
    list_filter = ("category", "type", ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("=user__phone_number", "=id", "title")
    list_select_related = ("user",)
    readonly_fields = (
        "id",
        "user",
        "type",
        "category",
        "title",
        "body",
        "object_type",
        "object_id",
        "screen",
        "data",
        "template",
        "campaign",
        "dedupe_key",
        "push_requested",
        "read_at",
        "deleted_at",
        "created_at",
    )
    fields = readonly_fields
    inlines = [DeliveryInline]
    actions = ["resend"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.resend_notification")

    @admin.action(description="Resend (a new notification and a fresh push)", permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        for notification in queryset:
            notification_resend(notification_id=notification.id, by=request.user)
        self.message_user(request, f"Resent {queryset.count()} notification(s).", messages.SUCCESS)


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("user", "provider", "platform", "is_active", "deactivation_reason", "last_seen_at")
    list_filter = ("provider", "platform", "is_active")
    search_fields = ("=user__phone_number", "=id")
    list_select_related = ("user",)
    readonly_fields = (
        "id",
        "user",
        "provider",
        "token",
        "platform",
        "is_active",
        "deactivated_at",
        "deactivation_reason",
        "created_at",
        "last_seen_at",
    )
    actions = ["deactivate"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Stop pushing to these devices", permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Device]) -> None:
        for device in queryset:
            device_deactivate(device_id=device.id, reason="staff")
        self.message_user(request, "Devices deactivated.", messages.SUCCESS)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("notification", "device", "status", "attempts", "last_error", "sent_at", "updated_at")
    list_filter = ("status",)
    list_select_related = ("notification", "device")
    readonly_fields = (
        "id",
        "notification",
        "device",
        "idempotency_key",
        "status",
        "attempts",
        "provider_message_id",
        "last_error",
        "claimed_at",
        "sent_at",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "template", "status", "scheduled_at", "recipients_total", "sent_count", "failed_count")
    list_filter = ("status",)
    search_fields = ("name",)
    filter_horizontal = ("interests",)
    fieldsets = (
        (None, {"fields": ("name", "template", "scheduled_at")}),
        (
            "Audience (every rule that is set must hold)",
            {
                "fields": ("interests", "city", "verified", "attended_event", "has_active_device", "audience_count"),
            },
        ),
        (
            "Progress",
            {
                "fields": (
                    "status",
                    "started_at",
                    "finished_at",
                    "recipients_total",
                    "sent_count",
                    "failed_count",
                    "push_totals",
                ),
            },
        ),
    )
    readonly_fields = (
        "status",
        "started_at",
        "finished_at",
        "recipients_total",
        "sent_count",
        "failed_count",
        "audience_count",
        "push_totals",
    )
    actions = ["preview", "send_now", "schedule", "cancel"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "template":
            kwargs["queryset"] = NotificationTemplate.objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Campaign, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status not in campaign_services.OPEN:
            return False  # a started campaign is a record
        return super().has_change_permission(request, obj)

    def has_send_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.send_campaign")

    @admin.display(description="People matching now")
    def audience_count(self, obj: Campaign) -> int | str:
        return campaign_services.campaign_preview_count(obj) if obj.pk else "— (save first)"

    @admin.display(description="Pushes")
    def push_totals(self, obj: Campaign) -> str:
        if not obj.pk:
            return "—"
        rows = Delivery.objects.filter(notification__campaign=obj).values("status").annotate(n=Count("id")).order_by()
        return ", ".join(f"{r['status']}: {r['n']}" for r in rows) or "none yet"

    @admin.action(description="Preview the audience count", permissions=["view"])
    def preview(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        for campaign in queryset:
            count = campaign_services.campaign_preview_count(campaign)
            self.message_user(request, f"{campaign.name}: {count} people match.", messages.INFO)

    @admin.action(description="Send now", permissions=["send"])
    def send_now(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        started = sum(campaign_services.campaign_start(campaign_id=c.id, by=request.user) for c in queryset)
        self.message_user(request, f"Started {started} campaign(s).", messages.SUCCESS)

    @admin.action(description="Schedule at the chosen time", permissions=["send"])
    def schedule(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        for campaign in queryset:
            if campaign.scheduled_at is None or campaign.scheduled_at <= timezone.now():
                self.message_user(request, f"{campaign.name}: set a future time first.", messages.ERROR)
                continue
            try:
                campaign_services.campaign_schedule(campaign_id=campaign.id, at=campaign.scheduled_at, by=request.user)
            except LoopinError as exc:
                self.message_user(request, f"{campaign.name}: {exc.message}", messages.ERROR)
                continue
            self.message_user(request, f"{campaign.name}: scheduled.", messages.SUCCESS)

    @admin.action(description="Cancel", permissions=["send"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        cancelled = sum(campaign_services.campaign_cancel(campaign_id=c.id, by=request.user) for c in queryset)
        self.message_user(request, f"Cancelled {cancelled} campaign(s).", messages.SUCCESS)
