from django.contrib import admin

from loopin.core.admin import ReadOnlyAdmin
from loopin.wallet.models import WalletDevice, WalletPass, WalletRegistration


class RegistrationInline(admin.TabularInline):
    model = WalletRegistration
    extra = 0
    can_delete = True
    fields = ("device", "created_at")
    readonly_fields = ("device", "created_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WalletPass)
class WalletPassAdmin(admin.ModelAdmin):
    """Passes staff look at when a guest's Wallet does not update; the token never shows."""

    list_display = ("ticket", "pass_type_identifier", "created_at", "updated_at")
    search_fields = ("ticket__code", "ticket__event__title", "ticket__user__name")
    list_select_related = ("ticket",)
    readonly_fields = ("ticket", "pass_type_identifier", "created_at", "updated_at")
    exclude = ("auth_token_hash", "auth_token_encrypted")
    inlines = [RegistrationInline]
    date_hierarchy = "updated_at"

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(WalletDevice)
class WalletDeviceAdmin(ReadOnlyAdmin):
    list_display = ("device_library_identifier", "created_at", "updated_at")
    search_fields = ("device_library_identifier",)
    exclude = ("push_token",)
