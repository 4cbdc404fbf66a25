from __future__ import annotations

from django.contrib import admin

from loopin.core.admin import ReadOnlyAdmin
from loopin.stories.models import Story


@admin.register(Story)
class StoryAdmin(ReadOnlyAdmin):
    list_display = ("id", "author", "audience", "created_at", "expires_at")
    list_filter = ("audience",)
    search_fields = ("id", "author__name", "author__phone_number")
    raw_id_fields = ("author", "media")
