"""Admin base classes for records that only services write (see loopin.staff for the site itself)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


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
