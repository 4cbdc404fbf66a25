from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from loopin.chat.models import Conversation, Member, Message, MessageReport, ReportStatus
from loopin.chat.services.messages import report_resolve
from loopin.core.admin import KeptRecordAdmin, ReadOnlyAdmin


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    can_delete = False
    fields = ("user", "role", "state", "last_read_seq", "silenced", "push_muted", "joined_at")
    readonly_fields = fields
    raw_id_fields = ("user",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "event", "request_state", "last_seq", "last_message_at", "closed_at")
    list_filter = ("kind", "request_state")
    search_fields = ("id", "event__title")
    inlines = [MemberInline]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("seq", "conversation", "sender", "kind", "short_body", "created_at", "deleted_at")
    list_filter = ("kind",)
    search_fields = ("conversation__id", "body")
    raw_id_fields = ("conversation", "sender", "reply_to", "deleted_by")
    list_select_related = ("sender",)

    @admin.display(description="Body")
    def short_body(self, obj: Message) -> str:
        return obj.body[:80]


@admin.register(MessageReport)
class MessageReportAdmin(KeptRecordAdmin):
    """The moderation queue: reports from members; remove the message or dismiss."""

    list_display = ("created_at", "status", "reason", "message_body", "reporter", "resolved_by")
    list_filter = ("status",)
    readonly_fields = ("message", "reporter", "reason", "status", "created_at", "resolved_at", "resolved_by")
    list_select_related = ("message", "reporter", "resolved_by")
    actions = ["remove_messages", "dismiss_reports"]

    @admin.display(description="Message")
    def message_body(self, obj: MessageReport) -> str:
        return "(deleted)" if obj.message.deleted_at else obj.message.body[:80]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("chat.moderate_chat")

    def _resolve(self, request: HttpRequest, queryset: QuerySet, *, remove: bool) -> None:
        done = 0
        for report in queryset.filter(status=ReportStatus.OPEN):
            report_resolve(staff=request.user, report_id=report.id, remove=remove)
            done += 1
        self.message_user(request, f"{done} report(s) resolved.", messages.SUCCESS)

    @admin.action(description="Remove the reported messages", permissions=["change"])
    def remove_messages(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._resolve(request, queryset, remove=True)

    @admin.action(description="Dismiss the reports", permissions=["change"])
    def dismiss_reports(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._resolve(request, queryset, remove=False)
