from django.contrib import admin

from loopin.audit.models import AuditEntry
from loopin.core.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "actor", "subject", "object_type", "object_id", "ip")
    list_filter = ("action", "object_type", "created_at")
    search_fields = ("action", "object_id", "=actor__id", "=subject__id")
    search_help_text = "An action, an object id, or the exact id of the actor or subject."
    readonly_fields = ("id", "created_at", "action", "actor", "subject", "object_type", "object_id", "ip", "data")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "subject")
