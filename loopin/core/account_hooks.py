"""Account erasure: the audit fields (`created_by`, `updated_by`, `deleted_by`) that name the person are emptied.

The user row stays (anonymised) when a person is erased, so `on_delete=SET_NULL` alone would never act: this step
does it for every model carrying the fields (`core.models.audited_models`). Audit entries are not touched."""

from __future__ import annotations

from typing import TYPE_CHECKING

from loopin.core.models import audited_models

if TYPE_CHECKING:
    from loopin.accounts.models import User

AUDIT_FIELDS = ("created_by", "updated_by", "deleted_by")


def erase_audit_fields(user: User) -> None:
    for model in audited_models():
        names = {f.name for f in model._meta.get_fields()}
        for name in AUDIT_FIELDS:
            if name in names:
                model._default_manager.filter(**{f"{name}_id": user.pk}).update(**{name: None})
