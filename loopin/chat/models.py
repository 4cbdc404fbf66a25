"""Conversations (1:1 and one per event), their members, and messages numbered per conversation."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class ConversationKind(models.TextChoices):
    DIRECT = "direct", "Direct (1:1)"
    EVENT = "event", "Event group"


class RequestState(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    PENDING = "pending", "Message request"
    DECLINED = "declined", "Declined"


class Conversation(models.Model):
    """A chat. `last_seq` numbers its messages 1, 2, 3...; `change_seq` counts every stored change."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=ConversationKind.choices)
    event = models.OneToOneField(
        "events.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="chat", editable=False
    )
    direct_key = models.CharField(
        max_length=80, null=True, blank=True, unique=True, editable=False, help_text="The two user ids, sorted."
    )
    request_state = models.CharField(max_length=16, choices=RequestState.choices, default=RequestState.ACCEPTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_seq = models.PositiveBigIntegerField(default=0)
    change_seq = models.PositiveBigIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="Closed by the host or a block: readable only.")
    closed_reason = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-last_message_at", "-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} chat {str(self.id)[:8]}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class MemberRole(models.TextChoices):
    MEMBER = "member", "Member"
    HOST = "host", "Host"
    STAFF = "staff", "Door staff"


class MemberState(models.TextChoices):
    ACTIVE = "active", "Active"
    LEFT = "left", "Left"
    REMOVED = "removed", "Removed"


class Member(models.Model):
    """A person's place in a conversation, with how far they have received and read it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_memberships")
    role = models.CharField(max_length=16, choices=MemberRole.choices, default=MemberRole.MEMBER)
    state = models.CharField(max_length=16, choices=MemberState.choices, default=MemberState.ACTIVE)
    last_read_seq = models.PositiveBigIntegerField(default=0)
    last_delivered_seq = models.PositiveBigIntegerField(default=0)
    push_muted = models.BooleanField(default=False, help_text="The member turned this conversation's pushes off.")
    silenced = models.BooleanField(default=False, help_text="Muted by the host: may read, may not send.")
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="chat_member_once")]
        indexes = [models.Index(fields=["user", "state"], name="chat_member_user_state")]

    def __str__(self) -> str:
        return f"member {self.user_id} of {self.conversation_id}"

    @property
    def can_moderate(self) -> bool:
        return self.role in (MemberRole.HOST, MemberRole.STAFF)


class MessageKind(models.TextChoices):
    TEXT = "text", "Text"
    IMAGE = "image", "Image"
    FILE = "file", "File"
    SYSTEM = "system", "System"


class MessageRef(models.TextChoices):
    """What a message is about, beside its text: a post shared, a story replied to (their packages send them)."""

    NONE = "", "Nothing"
    POST = "post", "A post shared"
    STORY = "story", "A reply to a story"


class Message(models.Model):
    """One message; `seq` is its place in the conversation, given in the transaction that stored it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveBigIntegerField()
    change_seq = models.PositiveBigIntegerField(help_text="The conversation's change counter at the last change.")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_message_id = models.CharField(max_length=64, blank=True)
    kind = models.CharField(max_length=16, choices=MessageKind.choices, default=MessageKind.TEXT)
    body = models.TextField(blank=True, max_length=4000)
    media = models.ForeignKey(
        "media.Media", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="An upload."
    )
    attachment = models.FileField(upload_to="chat/", blank=True, max_length=300)
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment_size = models.PositiveIntegerField(default=0)
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ref_type = models.CharField(max_length=16, choices=MessageRef.choices, default=MessageRef.NONE, blank=True)
    ref_id = models.CharField(max_length=64, blank=True, help_text="The post's or story's id (it may be gone since)")
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True, help_text="A tombstone: the content is gone.")
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="chat_message_seq_once"),
            models.UniqueConstraint(
                fields=["conversation", "sender", "client_message_id"],
                condition=~Q(client_message_id=""),
                name="chat_message_client_id_once",
            ),
        ]
        indexes = [models.Index(fields=["conversation", "change_seq"], name="chat_message_changes")]

    def __str__(self) -> str:
        return f"message {self.seq} in {self.conversation_id}"


class Reaction(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "user", "emoji"], name="chat_reaction_once")]

    def __str__(self) -> str:
        return f"{self.emoji} on {self.message_id}"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    DISMISSED = "dismissed", "Dismissed"
    ACTIONED = "actioned", "Message removed"


class MessageReport(models.Model):
    """A member's report of a message: the moderation queue (admin)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=16, choices=ReportStatus.choices, default=ReportStatus.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["message", "reporter"], name="chat_report_once")]
        permissions = [("moderate_chat", "Can resolve chat reports and remove messages")]

    def __str__(self) -> str:
        return f"report on {self.message_id}"
