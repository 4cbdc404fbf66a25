from django.contrib import admin

from loopin.tickets.models import Ticket


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("code", "event", "user", "seats", "status", "source", "issued_at", "cancelled_at")
    list_filter = ("status", "source")
    search_fields = ("code", "event__title", "user__name", "user__phone_number")
    list_select_related = ("event", "user")
    readonly_fields = (
        "id",
        "event",
        "user",
        "seats",
        "status",
        "source",
        "code",
        "join_request",
        "invitation",
        "issued_at",
        "cancelled_at",
        "cancel_reason",
    )

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False
