from __future__ import annotations

import uuid
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from loopin.audit.models import AuditEntry
from loopin.core.admin import ReadOnlyAdmin


class OrganisationFilter(admin.SimpleListFilter):
    """The entries of one organisation (the `organisation_id` column), among those the log names."""

    title = "organisation"
    parameter_name = "organisation"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        # Looked up by name: organisations writes through audit, so audit does not import it.
        organisation = apps.get_model("organisations", "Organisation")
        named = AuditEntry.objects.filter(organisation_id__isnull=False).values("organisation_id").distinct()
        return [(str(o.pk), str(o)) for o in organisation.objects.filter(id__in=named).order_by("name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        value = self.value()
        if not value:
            return queryset
        try:
            return queryset.filter(organisation_id=uuid.UUID(value))
        except ValueError:
            return queryset.none()


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "actor", "subject", "object_type", "object_id", "organisation_id", "ip")
    list_filter = ("action", "object_type", OrganisationFilter, "created_at")
    search_fields = ("action", "object_id", "=actor__id", "=subject__id", "=organisation_id")
    search_help_text = "An action, an object id, or the exact id of the actor, subject or organisation."
    readonly_fields = (
        "id",
        "created_at",
        "action",
        "actor",
        "subject",
        "object_type",
        "object_id",
        "organisation_id",
        "ip",
        "data",
    )
    date_hierarchy = "created_at"
    list_select_related = ("actor", "subject")
