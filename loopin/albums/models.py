"""Every event's album: photos added by the host and by attendees who were checked in."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class AlbumSettings(models.Model):
    event = models.OneToOneField("events.Event", on_delete=models.CASCADE, related_name="album_settings")
    is_public = models.BooleanField(default=False, help_text="Off: only the host and the event's attendees see it.")

    class Meta:
        verbose_name_plural = "album settings"

    def __str__(self) -> str:
        return f"album of {self.event_id}"


class AlbumPhoto(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="album_photos")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="album_photos")
    media = models.ForeignKey("media.Media", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["event", "-created_at"])]

    def __str__(self) -> str:
        return f"photo {str(self.id)[:8]} in {self.event_id}"
