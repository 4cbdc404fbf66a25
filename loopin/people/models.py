"""The social graph on top of accounts: friends, follows, blocks, mutes; privacy; handles; reports.

Every edge is a row between two users. A friendship is stored as two directed rows (a→b and b→a),
written and removed together by the services, so "my friends" and "mutual friends" are plain joins.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone


class Friendship(models.Model):
    """One direction of a friendship; its mirror row always exists too (see services.friends)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="friendships")
    friend = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "friend"], name="friendship_once"),
            models.CheckConstraint(condition=~Q(user=F("friend")), name="friendship_not_self"),
        ]
        indexes = [models.Index(fields=["friend", "user"], name="friendship_by_friend")]

    def __str__(self) -> str:
        return f"friendship {self.user_id} → {self.friend_id}"


class FriendRequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


class FriendRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="friend_requests_sent"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="friend_requests_received"
    )
    status = models.CharField(
        max_length=16, choices=FriendRequestStatus.choices, default=FriendRequestStatus.PENDING, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_user", "to_user"],
                condition=Q(status=FriendRequestStatus.PENDING),
                name="one_pending_friend_request",
            ),
            models.CheckConstraint(condition=~Q(from_user=F("to_user")), name="friend_request_not_self"),
        ]
        indexes = [models.Index(fields=["to_user", "status"], name="friend_request_inbox")]

    def __str__(self) -> str:
        return f"friend request {str(self.id)[:8]} ({self.status})"


class FollowStatus(models.TextChoices):
    ACTIVE = "active", "Following"
    PENDING = "pending", "Requested (private profile)"


class Follow(models.Model):
    """`follower` follows `followee`; on a private profile it is a request until the followee approves."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following_edges")
    followee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follower_edges")
    status = models.CharField(max_length=16, choices=FollowStatus.choices, default=FollowStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_once"),
            models.CheckConstraint(condition=~Q(follower=F("followee")), name="follow_not_self"),
        ]
        indexes = [models.Index(fields=["followee", "status"], name="follow_by_followee")]

    def __str__(self) -> str:
        return f"follow {self.follower_id} → {self.followee_id} ({self.status})"


class Block(models.Model):
    """`blocker` blocked `blocked`: each is hidden from the other everywhere, whoever blocked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="block_not_self"),
        ]

    def __str__(self) -> str:
        return f"block {self.blocker_id} → {self.blocked_id}"


class Mute(models.Model):
    """`muter` hides `muted`'s content; the muted person is never told."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    muter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mutes_made")
    muted = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["muter", "muted"], name="mute_once"),
            models.CheckConstraint(condition=~Q(muter=F("muted")), name="mute_not_self"),
        ]

    def __str__(self) -> str:
        return f"mute {self.muter_id} → {self.muted_id}"


class ProfileVisibility(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private: followers need approval, details only for friends and followers"


class RequestsFrom(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    FRIENDS_OF_FRIENDS = "friends_of_friends", "Friends of friends"
    NOBODY = "nobody", "Nobody"


class Audience(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    FRIENDS = "friends", "Friends"
    NOBODY = "nobody", "Only me"


class PrivacySettings(models.Model):
    """A person's privacy choices; a missing row means the defaults below."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="privacy"
    )
    profile_visibility = models.CharField(
        max_length=16, choices=ProfileVisibility.choices, default=ProfileVisibility.PUBLIC
    )
    friend_requests_from = models.CharField(max_length=24, choices=RequestsFrom.choices, default=RequestsFrom.EVERYONE)
    friends_list_visible_to = models.CharField(max_length=16, choices=Audience.choices, default=Audience.EVERYONE)
    events_visible_to = models.CharField(max_length=16, choices=Audience.choices, default=Audience.FRIENDS)
    presence_visible_to = models.CharField(max_length=16, choices=Audience.choices, default=Audience.FRIENDS)
    show_in_search = models.BooleanField(default=True, help_text="Found by name or handle in people search")
    findable_by_phone = models.BooleanField(default=True, help_text="Found by someone who types my exact number")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "privacy settings"

    def __str__(self) -> str:
        return f"privacy of {self.user_id}"


class PersonProfile(models.Model):
    """The social part of a profile: the handle and what a public profile shows beyond accounts' fields."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="person"
    )
    handle = models.CharField(max_length=30, null=True, blank=True)  # noqa: DJ001 (NULL: no handle yet)
    handle_changed_at = models.DateTimeField(null=True, blank=True)
    city = models.CharField(max_length=100, blank=True)
    cover_url = models.URLField(max_length=1000, blank=True, help_text="A picture elsewhere (when no upload is used).")
    cover_media = models.ForeignKey(
        "media.Media",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="An uploaded cover.",
    )
    links = models.JSONField(default=list, blank=True, help_text="Up to 5 http(s) URLs")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("handle"), name="handle_unique_ci", condition=Q(handle__isnull=False))
        ]

    def __str__(self) -> str:
        return f"@{self.handle}" if self.handle else f"profile of {self.user_id}"


class HandleHistory(models.Model):
    """A handle someone gave up: it redirects to them, and nobody else may take it, for 30 days."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="old_handles")
    handle = models.CharField(max_length=30)
    released_at = models.DateTimeField()

    class Meta:
        ordering = ["-released_at"]
        verbose_name_plural = "handle history"
        indexes = [models.Index(Lower("handle"), "released_at", name="old_handle_lookup")]

    def __str__(self) -> str:
        return f"@{self.handle}"


class ReportCategory(models.TextChoices):
    SPAM = "spam", "Spam"
    HARASSMENT = "harassment", "Harassment"
    IMPERSONATION = "impersonation", "Impersonation"
    UNDERAGE = "underage", "Underage"
    OTHER = "other", "Other"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    DISMISSED = "dismissed", "Dismissed"
    ACTIONED = "actioned", "Action taken"


class ReportAction(models.TextChoices):
    NONE = "", "None"
    WARNED = "warned", "Warned"
    SUSPENDED = "suspended", "Suspended"
    TAKEN_DOWN = "taken_down", "Content taken down"


class ReportTarget(models.TextChoices):
    USER = "user", "Person"
    POST = "post", "Post"
    COMMENT = "comment", "Comment"
    STORY = "story", "Story"
    ALBUM_PHOTO = "album_photo", "Album photo"
    MESSAGE = "message", "Message"
    EVENT = "event", "Event"
    LISTING = "listing", "Marketplace listing"


class Report(models.Model):
    """Someone reported a person, or their post, comment, story, album photo, message, event or marketplace
    listing, to the moderators."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_received", help_text="Reported"
    )
    target_type = models.CharField(max_length=16, choices=ReportTarget.choices, default=ReportTarget.USER)
    target_id = models.CharField(max_length=64, blank=True, help_text="The post/message/event id; empty for a person")
    category = models.CharField(max_length=16, choices=ReportCategory.choices)
    note = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=16, choices=ReportStatus.choices, default=ReportStatus.OPEN, db_index=True)
    action = models.CharField(max_length=16, choices=ReportAction.choices, default=ReportAction.NONE, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "subject", "target_type", "target_id"],
                condition=Q(status=ReportStatus.OPEN),
                name="one_open_report_per_target",
            )
        ]
        indexes = [models.Index(fields=["status", "category", "created_at"], name="report_queue")]
        permissions = [
            ("moderate_report", "Can dismiss reports and warn or suspend the people reported"),
            ("take_down_content", "Can take reported posts, comments, stories and album photos down"),
        ]

    def __str__(self) -> str:
        return f"report {str(self.id)[:8]} ({self.category}, {self.status})"


class Takedown(models.Model):
    """A moderator took one object down; the count in a window decides a posting suspension."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="takedowns")
    target_type = models.CharField(max_length=16, choices=ReportTarget.choices)
    target_id = models.CharField(max_length=64)
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["target_type", "target_id"], name="takedown_once")]
        indexes = [models.Index(fields=["subject", "created_at"], name="takedowns_of_subject")]

    def __str__(self) -> str:
        return f"takedown of {self.target_type} {self.target_id[:8]}"


class PostingSuspension(models.Model):
    """The person may not post, comment, add stories or album photos until `until` (repeated takedowns)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="posting_suspension"
    )
    until = models.DateTimeField()
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"posting suspended for {self.user_id} until {self.until:%Y-%m-%d %H:%M}"
