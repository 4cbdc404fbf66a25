"""Admin of host organisations: the list with members and roles, verification and ownership transfer, each
gated by its Django permission (`verify_organisation`, `transfer_organisation`), never by `is_staff` alone."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from loopin.core.admin import AuditedAdmin
from loopin.core.errors import LoopinError
from loopin.organisations.models import Membership, Organisation
from loopin.organisations.services import organisation_verify, ownership_transfer_by_staff


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    fields = ("user", "role", "invited_by", "created_at", "accepted_at", "removed_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("name", "handle", "city", "is_verified", "created_by", "created_at", "deleted_at")
    list_filter = ("is_verified", "city")
    search_fields = ("name", "handle", "legal_name", "gstin", "invoice_prefix")
    list_select_related = ("created_by",)
    raw_id_fields = ("created_by", "updated_by", "deleted_by", "verified_by")
    readonly_fields = (
        "logo", "is_verified", "verified_at", "verified_by", "created_at", "updated_at", "created_by", "updated_by",
        "deleted_at", "deleted_by",
    )  # fmt: skip
    inlines = [MembershipInline]
    actions = ["verify", "unverify"]

    def has_verify_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("organisations.verify_organisation"))

    @admin.action(description="Verify", permissions=["verify"])
    def verify(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        for organisation in queryset:
            organisation_verify(staff=request.user, organisation_id=organisation.id, verified=True)  # type: ignore[arg-type]
        self.message_user(request, f"{queryset.count()} verified.", messages.SUCCESS)

    @admin.action(description="Remove verification", permissions=["verify"])
    def unverify(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        for organisation in queryset:
            organisation_verify(staff=request.user, organisation_id=organisation.id, verified=False)  # type: ignore[arg-type]
        self.message_user(request, f"{queryset.count()} no longer verified.", messages.SUCCESS)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("organisation", "user", "role", "accepted_at", "removed_at", "invited_by")
    list_filter = ("role",)
    search_fields = ("organisation__name", "organisation__handle", "user__name")
    list_select_related = ("organisation", "user", "invited_by")
    raw_id_fields = ("organisation", "user", "invited_by", "updated_by")
    readonly_fields = ("organisation", "user", "role", "invited_by", "created_at", "accepted_at", "removed_at",
                       "updated_by")  # fmt: skip
    actions = ["make_owner"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_transfer_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("organisations.transfer_organisation"))

    @admin.action(description="Make the owner of their organisation (transfer ownership)", permissions=["transfer"])
    def make_owner(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Pick exactly one member.", messages.ERROR)
            return
        membership = queryset.get()
        try:
            ownership_transfer_by_staff(
                staff=request.user,  # type: ignore[arg-type]
                organisation_id=membership.organisation_id,
                to_user_id=membership.user_id,
            )
        except LoopinError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, f"{membership.user} now owns {membership.organisation}.", messages.SUCCESS)
