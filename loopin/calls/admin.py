from __future__ import annotations

from django.contrib import admin

from loopin.calls.models import Call
from loopin.core.admin import ReadOnlyAdmin


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    """Calls, for support: who called whom, when, how it ended. Read-only (view permission)."""

    list_display = ("created_at", "caller", "callee", "media", "state", "end_reason", "accepted_at", "ended_at")
    list_filter = ("state", "media", "end_reason")
    search_fields = ("id", "caller__name", "callee__name")
    raw_id_fields = ("caller", "callee")
    list_select_related = ("caller", "callee")
    date_hierarchy = "created_at"
