from __future__ import annotations

from django.contrib import admin

from loopin.core.admin import ReadOnlyAdmin
from loopin.posts.models import Comment, Post, PostMedia


class PostMediaInline(admin.TabularInline):
    model = PostMedia
    extra = 0
    can_delete = False
    readonly_fields = ("media", "position")


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "author",
        "visibility",
        "has_video",
        "like_count",
        "comment_count",
        "created_at",
        "deleted_at",
    )
    list_filter = ("visibility", "has_video")
    search_fields = ("id", "text", "author__name", "author__phone_number")
    raw_id_fields = ("author", "event")
    inlines = [PostMediaInline]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("id", "post", "author", "created_at", "deleted_at")
    search_fields = ("id", "text", "author__name")
    raw_id_fields = ("post", "author", "parent")
