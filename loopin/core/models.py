"""Model building blocks shared by domains."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar

from django.apps import apps
from django.conf import settings
from django.db import models

from loopin.core.images import image_public_url

if TYPE_CHECKING:
    from loopin.accounts.models import User

_M = TypeVar("_M", bound=models.Model)


class SoftDeletedQuerySet(models.QuerySet[_M]):
    """Rows with a `deleted_at` tombstone: `alive()` are the ones not deleted.

    For rows reached through a relation, filter on the related queryset: `event__in=Event.objects.alive()`.
    """

    def alive(self) -> Self:
        return self.filter(deleted_at__isnull=True)


class Picture(models.Model):
    """An ordered picture that is either an external http(s) URL or a file in our storage.

    Files are written by services under explicit names (see `accounts.services._store_uploads`), so no
    upload_to logic lives here.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    url = models.URLField(max_length=1000, blank=True)
    image = models.ImageField(upload_to="pictures/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["position", "created_at"]

    def __str__(self) -> str:
        return self.public_url

    @property
    def public_url(self) -> str:
        return image_public_url(self.url, self.image.name if self.image else "")


# ---------------------------------------------------------------- audit fields

AuditAction = Literal["create", "update", "delete"]


def _person_field(help_text: str) -> models.ForeignKey[Any, Any]:
    """A person an audit field names: nullable, emptied when they go, never edited in a form."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text=help_text,
    )


class AuditedModel(models.Model):
    """Who created a row and who changed it last: the person a service acted for (`stamp`), never a signal.

    The person's erasure empties both (`core.account_hooks.erase_audit_fields`); a hard delete of the user row
    would too (SET_NULL)."""

    created_by = _person_field(
        "The person who created it (empty: made by the system, or the person's account was erased)."
    )
    updated_by = _person_field("The person who changed it last.")

    class Meta:
        abstract = True


class DeletedByModel(models.Model):
    """Who soft-deleted a row (its `deleted_at` or the model's own tombstone)."""

    deleted_by = _person_field("The person who deleted it.")

    class Meta:
        abstract = True


def stamp(obj: models.Model, actor: User, action: AuditAction) -> list[str]:
    """Fill the audit fields of `obj` for what `actor` does to it; returns the fields set (add them to
    `update_fields`). Creating sets `created_by` and `updated_by`, updating `updated_by`, deleting `deleted_by` and
    `updated_by`. No person (the system acting, or an unsaved user): nothing changes and nothing is returned."""
    if actor is None or getattr(actor, "pk", None) is None:
        return []
    names = {"create": ["created_by", "updated_by"], "update": ["updated_by"], "delete": ["deleted_by", "updated_by"]}
    fields = [name for name in names[action] if hasattr(obj, f"{name}_id")]
    for name in fields:
        setattr(obj, name, actor)
    return fields


def audited_models() -> list[type[models.Model]]:
    """The concrete models carrying audit fields (for erasure and the admin tests)."""
    return [m for m in apps.get_models() if issubclass(m, AuditedModel | DeletedByModel)]
