from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from loopin.core.admin import ReadOnlyAdmin
from loopin.media.models import Media
from loopin.media.storage import file_url


@admin.register(Media)
class MediaAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "status", "owner", "width", "height", "attached_at", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("id", "owner__phone_number", "owner__name")
    raw_id_fields = ("owner",)
    readonly_fields = ("preview",)

    @admin.display(description="Preview")
    def preview(self, obj: Media) -> str:
        thumb = obj.variants.get("640") or obj.variants.get("150")
        if not thumb:
            return "-"
        return format_html('<img src="{}" style="max-width:320px">', file_url(thumb["name"]))
