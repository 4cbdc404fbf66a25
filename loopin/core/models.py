"""Model building blocks shared by domains."""

from __future__ import annotations

import uuid
from typing import Self, TypeVar

from django.db import models

from loopin.core.images import image_public_url

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
