from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet, BaseModelFormSet
from django.http import HttpRequest

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.admin import AuditedAdmin, AuditedTabularInline, ReadOnlyAdmin
from loopin.core.errors import LoopinError
from loopin.core.phone import mask_phone
from loopin.events.models import (
    CheckoutAnswer,
    CheckoutQuestion,
    CoHost,
    Event,
    EventImage,
    GuestMessage,
    HostLead,
    Invitation,
    InviteLink,
    JoinRequest,
    PhoneInvitation,
    TicketTier,
    Venue,
)
from loopin.events.services import event_transition, share_path


def _staff(request: HttpRequest) -> User:
    """The signed-in staff member (the admin lets nobody else in)."""
    return cast(User, request.user)


@admin.register(Venue)
class VenueAdmin(AuditedAdmin):
    list_display = (
        "name", "city", "country_code", "venue_type", "capacity", "is_verified", "organisation", "created_by",
    )  # fmt: skip
    list_filter = ("is_verified", "venue_type", "country_code", "city")
    search_fields = ("name", "address", "city", "organisation__name")
    list_select_related = ("created_by", "organisation")
    readonly_fields = ("id", "created_at", "created_by")
    raw_id_fields = ("organisation",)
    actions = ["verify"]

    @admin.action(description="Mark verified", permissions=["change"])
    def verify(self, request: HttpRequest, queryset: QuerySet[Venue]) -> None:
        for venue in queryset.filter(is_verified=False):
            Venue.objects.filter(id=venue.id).update(is_verified=True)
            audit_record(action="venue.verified", actor=_staff(request), obj=venue)
        self.message_user(request, "Venues verified.", messages.SUCCESS)


class EventImageInline(admin.TabularInline):  # type: ignore[type-arg]
    model = EventImage
    extra = 0
    fields = ("position", "url", "image")


class TicketTierFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        super().clean()
        for form in self.deleted_forms:
            tier = form.instance
            if tier.pk is None:
                continue
            if tier.is_default:
                raise ValidationError(f"{tier.name} is the default tier (the event's price): it stays.")
            if tier.seats_taken or tier.tickets.exists() or tier.orders.exists() or tier.join_requests.exists():
                raise ValidationError(f"{tier.name} has sales or requests: hide it or end its sales instead.")


class CheckoutQuestionInline(AuditedTabularInline):
    """Questions asked at checkout. Not deleted here (answers hang on them): set "retired at" to stop asking."""

    model = CheckoutQuestion
    extra = 0
    can_delete = False
    fields = ("label", "hint", "kind", "choices", "required", "sort_order", "retired_at")  # tiers: in the API


class CheckoutAnswerInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CheckoutAnswer
    extra = 0
    can_delete = False
    fields = ("question", "text", "selected", "ticket", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CheckoutAnswer)
class CheckoutAnswerAdmin(ReadOnlyAdmin):
    list_display = ("question", "event", "user", "updated_at")
    search_fields = ("event__title", "question__label", "user__name")
    list_select_related = ("question", "event", "user")
    raw_id_fields = ("question", "event", "user", "join_request", "ticket")


class TicketTierInline(AuditedTabularInline):
    model = TicketTier
    formset = TicketTierFormSet
    extra = 0
    fields = (
        "name",
        "price",
        "pay_what_you_want",
        "suggested_price",
        "capacity",
        "seats_taken",
        "sales_start_at",
        "sales_end_at",
        "min_per_order",
        "max_per_order",
        "visibility",
        "unlock_code",
        "requires_approval",
        "sort_order",
        "is_default",
    )
    readonly_fields = ("seats_taken", "is_default")


class CoHostInline(admin.TabularInline):  # type: ignore[type-arg]
    """Co-hosts are added by the host (and accept in the app); staff see them, change whether one sees guests'
    phone numbers and remove one (both audited)."""

    model = CoHost
    extra = 0
    fields = ("user", "can_see_phone_numbers", "accepted_at", "added_by", "created_at")
    readonly_fields = ("user", "accepted_at", "added_by", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class GuestMessageInline(admin.TabularInline):  # type: ignore[type-arg]
    model = GuestMessage
    extra = 0
    fields = ("created_at", "sender", "tier", "body", "recipients_count")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(AuditedAdmin):
    list_display = (
        "title",
        "host",
        "status",
        "start_at",
        "city",
        "join_mode",
        "visibility",
        "is_paid",
        "ticket_price",
        "going_count",
        "seats_taken",
        "capacity",
        "deleted_at",
    )
    list_filter = ("status", "join_mode", "visibility", "is_paid", "city", ("deleted_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "canonical_id", "host__name", "host__phone_number", "city")
    date_hierarchy = "start_at"
    list_select_related = ("host", "venue")
    autocomplete_fields = ("host", "venue")
    filter_horizontal = ("interests",)
    inlines = [TicketTierInline, CheckoutQuestionInline, EventImageInline, CoHostInline, GuestMessageInline]
    readonly_fields = (
        "id",
        "canonical_id",
        "slug",
        "share_link",
        "seats_taken",
        "going_count",
        "status",
        "published_at",
        "cancelled_at",
        "completed_at",
        "deleted_at",
        "created_at",
        "updated_at",
    )
    actions = ["cancel_events"]

    def save_formset(
        self, request: HttpRequest, form: object, formset: BaseModelFormSet[Any, Any], change: bool
    ) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is not CoHost:
            return
        for co_host in formset.deleted_objects:
            audit_record(action="co_host.removed", actor=_staff(request), obj=co_host.event, subject=co_host.user)
        for co_host, _fields in formset.changed_objects:
            audit_record(
                action="co_host.changed",
                actor=_staff(request),
                obj=co_host.event,
                subject=co_host.user,
                data={"can_see_phone_numbers": co_host.can_see_phone_numbers},
            )

    @admin.display(description="Share path")
    def share_link(self, obj: Event) -> str:
        return share_path(obj) if obj.pk else "-"

    @admin.action(description="Cancel (guests are told; free tickets voided)", permissions=["change"])
    def cancel_events(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        done, failed = 0, []
        for event in queryset:
            try:
                event_transition(
                    actor=_staff(request), event_id=event.id, target="cancelled", reason="Cancelled by Loopin staff"
                )
                done += 1
            except LoopinError as exc:
                failed.append(f"{event.title}: {exc.message}")
        self.message_user(request, f"Cancelled {done} events.", messages.SUCCESS)
        for message in failed:
            self.message_user(request, message, messages.WARNING)


@admin.register(HostLead)
class HostLeadAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("first_name", "last_name", "phone_number", "state", "created_at", "user")
    list_filter = ("state", "created_at")
    search_fields = ("first_name", "last_name", "phone_number")
    readonly_fields = ("id", "first_name", "last_name", "phone_number", "message", "user", "created_at", "updated_at")
    fields = (
        "id",
        "first_name",
        "last_name",
        "phone_number",
        "message",
        "user",
        "state",
        "staff_note",
        "created_at",
        "updated_at",
    )
    actions = ["mark_contacted", "mark_converted"]

    def _mark(self, request: HttpRequest, queryset: QuerySet[HostLead], state: str) -> None:
        for lead in queryset.exclude(state=state):
            HostLead.objects.filter(id=lead.id).update(state=state)
            audit_record(action=f"host_lead.{state}", actor=_staff(request), obj=lead)
        self.message_user(request, f"Marked {state}.", messages.SUCCESS)

    @admin.action(description="Mark contacted", permissions=["change"])
    def mark_contacted(self, request: HttpRequest, queryset: QuerySet[HostLead]) -> None:
        self._mark(request, queryset, HostLead.State.CONTACTED)

    @admin.action(description="Mark converted", permissions=["change"])
    def mark_converted(self, request: HttpRequest, queryset: QuerySet[HostLead]) -> None:
        self._mark(request, queryset, HostLead.State.CONVERTED)


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("event", "user", "status", "seats_requested", "created_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("event__title", "user__name", "user__phone_number")
    list_select_related = ("event", "user")
    inlines = [CheckoutAnswerInline]
    readonly_fields = (
        "id",
        "event",
        "user",
        "status",
        "seats_requested",
        "message",
        "host_message",
        "decided_at",
        "decided_by",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("event", "invitee", "status", "expires_at", "created_at", "responded_at")
    list_filter = ("status",)
    search_fields = ("event__title", "invitee__name", "invitee__phone_number")
    list_select_related = ("event", "invitee")
    readonly_fields = ("id", "event", "invitee", "invited_by", "link", "status", "created_at", "responded_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(InviteLink)
class InviteLinkAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("event", "uses", "max_uses", "expires_at", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("event__title",)
    list_select_related = ("event",)
    readonly_fields = ("id", "event", "token", "created_by", "uses", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PhoneInvitation)
class PhoneInvitationAdmin(ReadOnlyAdmin):
    """Invitations by phone to numbers without an account (the number is masked here)."""

    list_display = ("id", "event", "masked_phone", "invited_by", "status", "sms_status", "created_at", "claimed_at")
    list_filter = ("status", "sms_status")
    search_fields = ("=id", "=event__id", "event__title")
    raw_id_fields = ("event", "invited_by", "link", "invitation")
    exclude = ("phone_number",)
    list_select_related = ("event", "invited_by")

    @admin.display(description="Phone")
    def masked_phone(self, obj: PhoneInvitation) -> str:
        return mask_phone(obj.phone_number)
