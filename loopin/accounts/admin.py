from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from loopin.accounts.models import AuthSession, Interest, OtpCode, PhoneLead, ProfilePicture, User
from loopin.accounts.services import (
    lead_verify_manually,
    sessions_ended,
    sessions_revoke_all,
    user_suspend,
    user_unsuspend,
)
from loopin.accounts.waitlist import waitlist_promote
from loopin.audit.services import audit_record
from loopin.core.admin import KeptRecordAdmin, ReadOnlyAdmin
from loopin.core.sessioncache import session_cache_forget
from loopin.core.settings import get_settings
from loopin.staff.totp import EnrolmentLinkRefused, totp_link_issue


class WaitlistFilter(admin.SimpleListFilter):
    title = "waitlist"
    parameter_name = "waitlist"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("waiting", "Waiting"), ("promoted", "Promoted"), ("never", "Never waitlisted")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        if self.value() == "waiting":
            return queryset.filter(promote_at__isnull=False, promoted_at__isnull=True)
        if self.value() == "promoted":
            return queryset.filter(promoted_at__isnull=False)
        if self.value() == "never":
            return queryset.filter(promote_at__isnull=True)
        return queryset


class ProfilePictureInline(admin.TabularInline):
    model = ProfilePicture
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ("position", "url", "image", "created_at")
    readonly_fields = ("created_at",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("-date_joined",)
    list_display = (
        "phone_number",
        "name",
        "is_verified",
        "profile_complete",
        "waitlisted",
        "is_host",
        "is_suspended",
        "is_active",
        "is_staff",
        "date_joined",
    )
    list_filter = (
        "is_verified",
        WaitlistFilter,
        "is_suspended",
        "is_host",
        "is_active",
        "is_staff",
        "groups",
        "gender",
        ("profile_completed_at", admin.EmptyFieldListFilter),
        ("deleted_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("phone_number", "name", "=id")
    readonly_fields = (
        "id",
        "date_joined",
        "last_login",
        "updated_at",
        "profile_completed_at",
        "is_suspended",
        "promote_at",
        "promoted_at",
        "deleted_at",
    )
    filter_horizontal = ("interests", "groups", "user_permissions")
    inlines = [ProfilePictureInline]
    fieldsets = (
        (None, {"fields": ("id", "phone_number", "password")}),
        ("Profile", {"fields": ("name", "birth_date", "gender", "bio", "interests", "profile_completed_at")}),
        ("Status", {"fields": ("is_verified", "is_active", "is_host", "is_suspended", "deleted_at")}),
        ("Waitlist", {"fields": ("promote_at", "promoted_at")}),
        ("Staff", {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("date_joined", "last_login", "updated_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("phone_number", "password1", "password2")}),)
    actions = [
        "revoke_sessions",
        "promote_from_waitlist",
        "suspend",
        "unsuspend",
        "mark_host",
        "unmark_host",
        "issue_totp_link",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> tuple[str, ...]:
        # The phone number is the sign-in identity: changing it by hand would hand the account to someone else.
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "phone_number") if obj is not None else fields

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False  # people delete their own account (erasure keeps the row); staff suspend or deactivate

    def has_suspend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.suspend_user")

    def has_promote_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.promote_user")

    def has_issue_totp_link_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser  # who may sign in to the admin is a superuser's decision

    @admin.action(description="Issue an authenticator enrolment link", permissions=["issue_totp_link"])
    def issue_totp_link(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            try:
                token = totp_link_issue(user=user, issued_by=request.user)
            except EnrolmentLinkRefused as exc:
                self.message_user(request, f"{user}: {exc}", messages.WARNING)
                continue
            url = request.build_absolute_uri(reverse("admin:staff_totp_link", args=[token]))
            minutes = get_settings().STAFF_TOTP_LINK_MINUTES
            self.message_user(
                request, f"{user}: one-time enrolment link, valid {minutes} min (send it privately): {url}"
            )

    @admin.display(boolean=True, description="Profile complete")
    def profile_complete(self, obj: User) -> bool:
        return obj.profile_complete

    @admin.display(boolean=True, description="Waitlisted", ordering="promote_at")
    def waitlisted(self, obj: User) -> bool:
        return obj.is_waitlisted

    @admin.action(description="Let in now (promote from the waitlist)", permissions=["promote"])
    def promote_from_waitlist(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        ids = list(queryset.filter(promote_at__isnull=False, promoted_at__isnull=True).values_list("id", flat=True))
        count = sum(waitlist_promote(user_id=user_id, via="staff", by=request.user) for user_id in ids)
        self.message_user(request, f"Promoted {count} users from the waitlist.", messages.SUCCESS)

    @admin.action(description="Suspend (ends every session, refuses sign-in)", permissions=["suspend"])
    def suspend(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        ids = list(queryset.exclude(id=request.user.pk).values_list("id", flat=True))
        count = sum(user_suspend(user_id=user_id, staff=request.user) for user_id in ids)
        self.message_user(request, f"Suspended {count} users.", messages.SUCCESS)

    @admin.action(description="Lift suspension", permissions=["suspend"])
    def unsuspend(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        ids = list(queryset.values_list("id", flat=True))
        count = sum(user_unsuspend(user_id=user_id, staff=request.user) for user_id in ids)
        self.message_user(request, f"Lifted {count} suspensions.", messages.SUCCESS)

    @admin.action(description="Sign out everywhere (revoke all sessions)", permissions=["change"])
    def revoke_sessions(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        total = 0
        for user in queryset:
            total += sessions_revoke_all(user=user, reason="staff")
            audit_record(action="auth.sessions_revoked", actor=request.user, obj=user, subject=user)
        self.message_user(request, f"Revoked {total} sessions.", messages.SUCCESS)

    @admin.action(description="Mark as host", permissions=["change"])
    def mark_host(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset.filter(is_host=False):
            User.objects.filter(id=user.id).update(is_host=True)
            session_cache_forget(user_id=user.id)
            audit_record(action="user.host_granted", actor=request.user, obj=user, subject=user)

    @admin.action(description="Remove host mark", permissions=["change"])
    def unmark_host(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset.filter(is_host=True):
            User.objects.filter(id=user.id).update(is_host=False)
            session_cache_forget(user_id=user.id)
            audit_record(action="user.host_revoked", actor=request.user, obj=user, subject=user)


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_active", "position", "user_count")
    list_editable = ("is_active", "position")
    list_filter = ("is_active",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Interest]:
        return super().get_queryset(request).annotate(_users=Count("users"))

    @admin.display(description="Users", ordering="_users")
    def user_count(self, obj: Interest) -> int:
        return obj._users  # type: ignore[attr-defined]

    def has_delete_permission(self, request: HttpRequest, obj: Interest | None = None) -> bool:
        return False  # deactivate instead: profiles and events refer to interests


class VerifiedFilter(admin.SimpleListFilter):
    title = "verified"
    parameter_name = "verified"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "Verified"), ("no", "Not verified (lead)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[PhoneLead]) -> QuerySet[PhoneLead]:
        if self.value() == "yes":
            return queryset.filter(verified_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(verified_at__isnull=True)
        return queryset


@admin.register(PhoneLead)
class PhoneLeadAdmin(KeptRecordAdmin):
    list_display = (
        "phone_number",
        "first_requested_at",
        "last_requested_at",
        "send_count",
        "verified",
        "user",
        "last_send_status",
    )
    list_filter = (VerifiedFilter, "last_send_status", "first_requested_at")
    search_fields = ("phone_number",)
    date_hierarchy = "first_requested_at"
    list_select_related = ("user",)
    readonly_fields = (
        "id",
        "phone_number",
        "first_requested_at",
        "last_requested_at",
        "send_count",
        "verified_at",
        "verified_manually_by",
        "user",
        "last_send_status",
        "last_send_error",
    )
    actions = ["verify_by_hand"]

    @admin.display(boolean=True, description="Verified", ordering="verified_at")
    def verified(self, obj: PhoneLead) -> bool:
        return obj.is_verified

    def has_verify_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.verify_lead")

    @admin.action(description="Verify by hand (creates the user as a code would)", permissions=["verify"])
    def verify_by_hand(self, request: HttpRequest, queryset: QuerySet[PhoneLead]) -> None:
        count = 0
        for lead in queryset.filter(verified_at__isnull=True):
            lead_verify_manually(lead_id=lead.id, staff=request.user)
            count += 1
        self.message_user(request, f"Verified {count} leads.", messages.SUCCESS)


@admin.register(OtpCode)
class OtpCodeAdmin(ReadOnlyAdmin):
    list_display = (
        "lead",
        "purpose",
        "created_at",
        "expires_at",
        "attempts",
        "send_status",
        "consumed_at",
        "voided_at",
    )
    list_filter = ("purpose", "send_status")
    search_fields = ("lead__phone_number",)
    list_select_related = ("lead",)
    exclude = ("code_hash",)
    readonly_fields = [f.name for f in OtpCode._meta.fields if f.name != "code_hash"]


@admin.register(AuthSession)
class AuthSessionAdmin(KeptRecordAdmin):
    list_display = ("id", "user", "created_at", "last_used_at", "expires_at", "revoked_at", "revoke_reason")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "revoke_reason")
    search_fields = ("user__phone_number", "user__name", "=user__id")
    list_select_related = ("user",)
    readonly_fields = (
        "id",
        "user",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "revoke_reason",
        "user_agent",
    )
    actions = ["revoke"]

    @admin.action(description="Revoke", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[AuthSession]) -> None:

        live = list(queryset.filter(revoked_at__isnull=True).select_related("user"))
        n = AuthSession.objects.filter(id__in=[s.id for s in live], revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoke_reason="staff"
        )
        for session in live:
            sessions_ended(user_id=session.user_id, session_id=session.id, reason="staff")
            audit_record(action="auth.session_revoked", actor=request.user, obj=session, subject=session.user)
        self.message_user(request, f"Revoked {n} sessions.", messages.SUCCESS)
