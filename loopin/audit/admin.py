from django.contrib import admin

from loopin.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "action", "actor", "subject", "object_type", "object_id", "ip")
    list_filter = ("action", "object_type", "created_at")
    search_fields = ("action", "object_id", "=actor__id", "=subject__id")
    search_help_text = "An action, an object id, or the exact id of the actor or subject."
    readonly_fields = ("id", "created_at", "action", "actor", "subject", "object_type", "object_id", "ip", "data")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "subject")

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False
