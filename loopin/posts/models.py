"""Posts (text, up to 10 pictures or one video), their likes and comments (one level of replies)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models

EDIT_WINDOW = timedelta(minutes=15)  # how long a post's text may be edited after posting


class PostVisibility(models.TextChoices):
    PUBLIC = "public", "Public"
    FRIENDS = "friends", "Friends"
    ONLY_ME = "only_me", "Only me"


class Post(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts")
    text = models.TextField(max_length=2200, blank=True)
    visibility = models.CharField(max_length=16, choices=PostVisibility.choices, default=PostVisibility.PUBLIC)
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="posts", help_text="At ..."
    )
    has_video = models.BooleanField(default=False, help_text="A reel: the post's one attachment is a video.")
    like_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["author", "-created_at"]), models.Index(fields=["has_video", "-created_at"])]

    def __str__(self) -> str:
        return f"post {str(self.id)[:8]} by {self.author_id}"


class PostMedia(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    media = models.ForeignKey("media.Media", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["post", "media"], name="post_media_once")]

    def __str__(self) -> str:
        return f"{self.post_id} #{self.position}"


class PostTag(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="tags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_tags")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="post_tag_once")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.post_id}"


class PostLike(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="post_like_once")]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.post_id}"


class Comment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["post", "created_at"])]

    def __str__(self) -> str:
        return f"comment {str(self.id)[:8]} on {self.post_id}"
