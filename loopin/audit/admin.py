from django.contrib import admin

from loopin.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "action", "actor", "subject", "object_type", "object_id", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("action", "object_id")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "subject")

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False
