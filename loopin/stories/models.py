"""24-hour stories (a picture or a video), who saw them, and each person's close-friends list."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class StoryAudience(models.TextChoices):
    PUBLIC = "public", "Friends and followers"
    FRIENDS = "friends", "Friends"
    CLOSE_FRIENDS = "close_friends", "Close friends"


class Story(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stories")
    media = models.ForeignKey("media.Media", on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=16, choices=StoryAudience.choices, default=StoryAudience.FRIENDS)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "stories"
        indexes = [models.Index(fields=["author", "expires_at"])]

    def __str__(self) -> str:
        return f"story {str(self.id)[:8]} by {self.author_id}"


class StoryView(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="views")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="story_views")
    viewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-viewed_at"]
        constraints = [models.UniqueConstraint(fields=["story", "viewer"], name="story_view_once")]

    def __str__(self) -> str:
        return f"{self.viewer_id} saw {self.story_id}"


class CloseFriend(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="close_friends")
    friend = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "friend"], name="close_friend_once")]

    def __str__(self) -> str:
        return f"{self.friend_id} close to {self.owner_id}"
