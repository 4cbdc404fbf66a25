"""One row per uploaded picture or video; its files (sizes, poster, playable video) are listed in `variants`."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class MediaKind(models.TextChoices):
    IMAGE = "image", "Image"
    VIDEO = "video", "Video"


class MediaStatus(models.TextChoices):
    AWAITING_UPLOAD = "awaiting_upload", "Waiting for the direct upload"
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class Media(models.Model):
    """An upload. Unattached rows (never referenced by a post, story, album...) are deleted after a day."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(max_length=8, choices=MediaKind.choices)
    status = models.CharField(max_length=16, choices=MediaStatus.choices, default=MediaStatus.PROCESSING)
    content_type = models.CharField(max_length=64, blank=True, help_text="What the upload said it was.")
    size_bytes = models.BigIntegerField(default=0, help_text="The upload's size as received.")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    blurhash = models.CharField(max_length=64, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    # {"1080": {"name", "width", "height"}, "640": ..., "150": ..., "video": {"name", "width", "height", "bytes"}}
    variants = models.JSONField(default=dict, blank=True)
    source_name = models.CharField(
        max_length=300, blank=True, help_text="The raw upload in storage while it waits to be processed."
    )
    probe = models.JSONField(default=dict, blank=True, help_text="Container and codecs of an uploaded video.")
    error = models.CharField(max_length=300, blank=True)
    attached_at = models.DateTimeField(null=True, blank=True, help_text="When a post, story or album took it.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "media"
        indexes = [models.Index(fields=["attached_at", "created_at"], name="media_orphans")]

    def __str__(self) -> str:
        return f"{self.kind} {str(self.id)[:8]} ({self.status})"

    def file_names(self) -> list[str]:
        names = [v["name"] for v in self.variants.values() if isinstance(v, dict) and v.get("name")]
        return names + ([self.source_name] if self.source_name else [])
