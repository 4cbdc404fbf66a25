"""Staff views of the graph: edges are written only by the services (look, never edit)."""

from __future__ import annotations

from django.contrib import admin

from loopin.core.admin import ReadOnlyAdmin
from loopin.people.models import (
    Block,
    Follow,
    FriendRequest,
    Friendship,
    HandleHistory,
    Mute,
    PersonProfile,
    PrivacySettings,
    Report,
)


@admin.register(Friendship)
class FriendshipAdmin(ReadOnlyAdmin):
    list_display = ("user", "friend", "created_at")
    search_fields = ("=user__id", "=friend__id", "user__name", "friend__name")
    raw_id_fields = ("user", "friend")
    list_select_related = ("user", "friend")


@admin.register(FriendRequest)
class FriendRequestAdmin(ReadOnlyAdmin):
    list_display = ("id", "from_user", "to_user", "status", "created_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("=id", "=from_user__id", "=to_user__id")
    raw_id_fields = ("from_user", "to_user")
    list_select_related = ("from_user", "to_user")


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdmin):
    list_display = ("follower", "followee", "status", "created_at", "approved_at")
    list_filter = ("status",)
    search_fields = ("=follower__id", "=followee__id")
    raw_id_fields = ("follower", "followee")
    list_select_related = ("follower", "followee")


@admin.register(Block)
class BlockAdmin(ReadOnlyAdmin):
    list_display = ("blocker", "blocked", "created_at")
    search_fields = ("=blocker__id", "=blocked__id")
    raw_id_fields = ("blocker", "blocked")
    list_select_related = ("blocker", "blocked")


@admin.register(Mute)
class MuteAdmin(ReadOnlyAdmin):
    list_display = ("muter", "muted", "created_at")
    search_fields = ("=muter__id", "=muted__id")
    raw_id_fields = ("muter", "muted")
    list_select_related = ("muter", "muted")


@admin.register(PrivacySettings)
class PrivacySettingsAdmin(ReadOnlyAdmin):
    list_display = ("user", "profile_visibility", "friend_requests_from", "show_in_search", "findable_by_phone")
    list_filter = ("profile_visibility", "friend_requests_from", "show_in_search", "findable_by_phone")
    search_fields = ("=user__id",)
    raw_id_fields = ("user",)


@admin.register(PersonProfile)
class PersonProfileAdmin(ReadOnlyAdmin):
    list_display = ("handle", "user", "city", "handle_changed_at")
    search_fields = ("handle", "=user__id", "user__name")
    raw_id_fields = ("user",)


@admin.register(HandleHistory)
class HandleHistoryAdmin(ReadOnlyAdmin):
    list_display = ("handle", "user", "released_at")
    search_fields = ("handle", "=user__id")
    raw_id_fields = ("user",)


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("id", "category", "status", "action", "subject", "reporter", "created_at")
    list_filter = ("status", "category", "action", "target_type")
    search_fields = ("=id", "=subject__id", "=reporter__id")
    raw_id_fields = ("reporter", "subject", "decided_by")
    list_select_related = ("subject", "reporter")
