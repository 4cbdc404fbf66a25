"""Admin base classes for records that only services write (see loopin.staff for the site itself)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import flatten
from django.db.models import Model
from django.http import HttpRequest

from loopin.core.models import stamp


class KeptRecordAdmin(admin.ModelAdmin):
    """Records staff may look at (and where allowed, act on) but never add by hand or delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(KeptRecordAdmin):
    """Records written only by services (codes, audit entries, provider payloads, scans): look, never edit."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


AUDIT_FIELDS = ("created_by", "updated_by", "deleted_by")


def _audit_fields_of(model: type[Model]) -> tuple[str, ...]:
    names = {f.name for f in model._meta.get_fields()}
    return tuple(name for name in AUDIT_FIELDS if name in names)


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Shows who created, last changed and deleted a row (`core.models.AuditedModel` / `DeletedByModel`), read-only,
    in an "Audit" section; a change saved here names the staff member as `updated_by` (and `created_by` on add)."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields + tuple(f for f in _audit_fields_of(self.model) if f not in fields)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))
        shown = {name for _title, options in fieldsets for name in flatten(options.get("fields", ()))}
        missing = [f for f in _audit_fields_of(self.model) if f not in shown]
        return [*fieldsets, ("Audit", {"fields": missing})] if missing else fieldsets

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        stamp(obj, request.user, "update" if change else "create")
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if _audit_fields_of(formset.model):
            for inline_form in formset.forms:
                if inline_form.has_changed() and inline_form not in formset.deleted_forms:
                    stamp(
                        inline_form.instance, request.user, "create" if inline_form.instance._state.adding else "update"
                    )
        super().save_formset(request, form, formset, change)


class AuditedTabularInline(admin.TabularInline):  # type: ignore[type-arg]
    """For inlines of audited models: the audit fields shown read-only after the inline's own."""

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[Any]:
        fields = list(super().get_fields(request, obj))
        return [*fields, *(f for f in _audit_fields_of(self.model) if f not in fields)]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields + tuple(f for f in _audit_fields_of(self.model) if f not in fields)
