from __future__ import annotations

from django.contrib import admin

from loopin.albums.models import AlbumPhoto
from loopin.core.admin import ReadOnlyAdmin


@admin.register(AlbumPhoto)
class AlbumPhotoAdmin(ReadOnlyAdmin):
    list_display = ("id", "event", "author", "created_at")
    search_fields = ("id", "author__name")
    raw_id_fields = ("event", "author", "media")
