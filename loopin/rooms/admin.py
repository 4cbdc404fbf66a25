from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from loopin.core.admin import KeptRecordAdmin
from loopin.core.errors import LoopinError
from loopin.rooms.models import PRESENT, Room, RoomMember, RoomState
from loopin.rooms.services import room_close


class PresentMemberInline(admin.TabularInline):
    """Who is in the room now, with their role (read-only: people act in the app)."""

    model = RoomMember
    verbose_name_plural = "In the room now"
    fields = ("user", "role", "hand_raised_at", "muted", "joined_at", "media_joined_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoomMember]:
        return super().get_queryset(request).filter(PRESENT).select_related("user")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class LiveFilter(admin.SimpleListFilter):
    title = "live now"
    parameter_name = "live"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("yes", "Live now")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Room]) -> QuerySet[Room]:
        return queryset.filter(state=RoomState.LIVE) if self.value() == "yes" else queryset


@admin.register(Room)
class RoomAdmin(KeptRecordAdmin):
    """Audio rooms: live ones with who is in them; staff with `close_room` can close one (audited; LiveKit
    disconnects everyone)."""

    list_display = ("title", "state", "people_now", "created_by", "event", "started_at", "ended_at", "end_reason")
    list_filter = (LiveFilter, "state", "end_reason")
    search_fields = ("id", "title", "created_by__name")
    raw_id_fields = ("created_by", "event")
    list_select_related = ("created_by", "event")
    date_hierarchy = "created_at"
    readonly_fields = ("id", "title", "topic", "event", "created_by", "state", "end_reason", "max_speakers",
                       "starts_at", "started_at", "ended_at", "created_at", "interests")  # fmt: skip
    fields = readonly_fields
    inlines = [PresentMemberInline]
    actions = ["close_rooms"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Room]:
        return super().get_queryset(request).annotate(_now=Count("members", filter=Q(members__left_at__isnull=True)))

    @admin.display(description="In the room", ordering="_now")
    def people_now(self, obj: Room) -> int:
        return getattr(obj, "_now", 0)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_close_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("rooms.close_room")

    @admin.action(description="Close the room (everyone is disconnected)", permissions=["close"])
    def close_rooms(self, request: HttpRequest, queryset: QuerySet[Room]) -> None:
        done, failed = 0, []
        for room in queryset.exclude(state=RoomState.ENDED):
            try:
                room_close(staff=request.user, room_id=room.id, ip=request.META.get("REMOTE_ADDR"))
                done += 1
            except LoopinError as exc:
                failed.append(f"{room.title}: {exc.message}")
        self.message_user(request, f"Closed {done} rooms.", messages.SUCCESS)
        for message in failed:
            self.message_user(request, message, messages.WARNING)
