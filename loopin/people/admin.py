"""Staff views of the graph (edges are written only by the services: look, never edit) and the
moderation queue of reports."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from loopin.core.admin import ReadOnlyAdmin
from loopin.core.errors import LoopinError
from loopin.media.selectors import media_data
from loopin.people import moderation
from loopin.people.models import (
    Block,
    Follow,
    FriendRequest,
    Friendship,
    HandleHistory,
    Mute,
    PersonProfile,
    PostingSuspension,
    PrivacySettings,
    Report,
    ReportStatus,
    Takedown,
)
from loopin.people.services.reports import MODERATE, report_dismiss, report_suspend, report_take_down, report_warn
from loopin.people.services.takedowns import TAKE_DOWN, posting_suspension_lift


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


class OpenReportFilter(admin.SimpleListFilter):
    title = "open"
    parameter_name = "open"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "Open only")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Report]) -> QuerySet[Report]:
        return queryset.filter(status=ReportStatus.OPEN) if self.value() == "yes" else queryset


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    """The moderation queue: filter by state and category, then dismiss, warn or suspend (audited)."""

    list_display = ("created_at", "category", "status", "action", "subject", "reporter", "target_type", "short_note")
    list_filter = (OpenReportFilter, "status", "category", "action", "target_type")
    search_fields = ("=id", "=subject__id", "=reporter__id", "subject__name")
    raw_id_fields = ("reporter", "subject", "decided_by")
    list_select_related = ("subject", "reporter")
    readonly_fields = ["reported_content", *(f.name for f in Report._meta.fields)]
    actions = ["dismiss", "warn", "take_down", "suspend"]
    ordering = ("-created_at",)

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MODERATE)

    def has_suspend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MODERATE) and request.user.has_perm("accounts.suspend_user")

    def has_take_down_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MODERATE) and request.user.has_perm(TAKE_DOWN)

    @admin.display(description="Note")
    def short_note(self, obj: Report) -> str:
        return obj.note[:80]

    @admin.display(description="Reported content")
    def reported_content(self, obj: Report) -> str:
        """The post, comment, story or album photo as it is now: its text, its pictures and video, a link."""
        kind = moderation.content_kind(obj.target_type)
        if kind is None:
            return "-"
        try:
            view = kind.show(moderation.object_id(obj.target_id))
        except LoopinError:
            view = None
        if view is None:
            return f"{kind.label}: gone (deleted, expired or taken down)"
        media = format_html_join("", "{}", ((_media_html(m),) for m in view.media))
        return format_html(
            '<p><a href="{}">{} in the admin</a></p><p style="white-space:pre-wrap">{}</p><div>{}</div>',
            view.admin_url,
            view.label,
            view.text,
            media,
        )

    def _act_on_open(self, request: HttpRequest, queryset: QuerySet[Report], decide: Any, verb: str) -> None:
        done, refused = 0, []
        for report_id in queryset.filter(status=ReportStatus.OPEN).values_list("id", flat=True):
            try:
                decide(report_id=report_id, staff=request.user)
                done += 1
            except LoopinError as exc:
                refused.append(exc.message)
        self.message_user(request, f"{verb} {done} reports.", messages.SUCCESS)
        for message in dict.fromkeys(refused):
            self.message_user(request, message, messages.WARNING)

    @admin.action(description="Dismiss (no action)", permissions=["moderate"])
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        self._act_on_open(request, queryset, report_dismiss, "Dismissed")

    @admin.action(description="Warn the person reported (they are notified)", permissions=["moderate"])
    def warn(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        self._act_on_open(request, queryset, report_warn, "Warned on")

    @admin.action(
        description="Take the reported content down (media erased, the author is told; repeats suspend posting)",
        permissions=["take_down"],
    )
    def take_down(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        self._act_on_open(request, queryset, report_take_down, "Took content down on")

    @admin.action(description="Suspend the person reported (ends sessions, refuses sign-in)", permissions=["suspend"])
    def suspend(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        self._act_on_open(request, queryset, report_suspend, "Suspended on")


def _media_html(media: Any) -> str:
    data = media_data(media)
    sizes = data["sizes"]
    thumb = (sizes.get("medium") or sizes.get("thumb") or {}).get("url")
    full = data["video_url"] or data["url"] or thumb
    if not thumb:
        return format_html('<a href="{}">{} ({})</a> ', full or "#", media.kind, media.status)
    return format_html(
        '<a href="{}"><img src="{}" alt="{}" style="max-width:240px;margin:4px"></a>', full, thumb, media.kind
    )


@admin.register(Takedown)
class TakedownAdmin(ReadOnlyAdmin):
    """Content taken down, per person: what counts towards a posting suspension."""

    list_display = ("created_at", "subject", "target_type", "target_id", "decided_by", "report")
    list_filter = ("target_type",)
    search_fields = ("=subject__id", "=target_id")
    raw_id_fields = ("subject", "decided_by", "report")
    list_select_related = ("subject", "decided_by")


@admin.register(PostingSuspension)
class PostingSuspensionAdmin(ReadOnlyAdmin):
    """People who may not post (repeated takedowns) and until when; a moderator may lift it (audited)."""

    list_display = ("user", "until", "reason", "created_at")
    search_fields = ("=user__id", "user__name")
    raw_id_fields = ("user",)
    list_select_related = ("user",)
    actions = ["lift"]

    def has_take_down_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(TAKE_DOWN)

    @admin.action(description="Lift the posting suspension now", permissions=["take_down"])
    def lift(self, request: HttpRequest, queryset: QuerySet[PostingSuspension]) -> None:
        done = 0
        for user_id in queryset.values_list("user_id", flat=True):
            try:
                posting_suspension_lift(user_id=user_id, staff=request.user)
                done += 1
            except LoopinError as exc:
                self.message_user(request, exc.message, messages.WARNING)
        self.message_user(request, f"Lifted {done} posting suspensions.", messages.SUCCESS)
