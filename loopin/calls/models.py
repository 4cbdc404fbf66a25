"""1:1 calls: one row per call, its state machine and who took part from which signed-in session."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class CallMedia(models.TextChoices):
    AUDIO = "audio", "Voice"
    VIDEO = "video", "Video"


class CallState(models.TextChoices):
    RINGING = "ringing", "Ringing"
    ACCEPTED = "accepted", "In progress"
    ENDED = "ended", "Ended"
    MISSED = "missed", "Missed"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Failed"


# ringing → accepted → ended | failed; ringing → missed | rejected | failed. The others are final.
ACTIVE_STATES = (CallState.RINGING, CallState.ACCEPTED)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    CallState.RINGING: (CallState.ACCEPTED, CallState.MISSED, CallState.REJECTED, CallState.FAILED),
    CallState.ACCEPTED: (CallState.ENDED, CallState.FAILED),
}


class EndReason(models.TextChoices):
    HANGUP = "hangup", "Hung up"
    CANCELLED = "cancelled", "Cancelled by the caller"
    DECLINED = "declined", "Declined by the callee"
    TIMEOUT = "timeout", "Nobody answered"
    DISCONNECTED = "disconnected", "A party's connection closed"
    FAILED = "failed", "The media connection failed"
    BLOCKED = "blocked", "One party blocked the other"
    ACCOUNT_DELETED = "account_deleted", "A party deleted their account"


class Call(models.Model):
    """A call from `caller` to `callee`. A party's field is emptied when they delete their account."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls_made"
    )
    callee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls_received"
    )
    media = models.CharField(max_length=8, choices=CallMedia.choices, default=CallMedia.AUDIO)
    state = models.CharField(max_length=16, choices=CallState.choices, default=CallState.RINGING)
    end_reason = models.CharField(max_length=24, choices=EndReason.choices, blank=True)
    caller_session_id = models.UUIDField(null=True, blank=True, help_text="The signed-in session that placed it.")
    callee_session_id = models.UUIDField(null=True, blank=True, help_text="The session (device) that answered.")
    created_at = models.DateTimeField(auto_now_add=True)
    ring_deadline = models.DateTimeField(help_text="Still ringing at this time: the call is missed.")
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    callee_seen_at = models.DateTimeField(null=True, blank=True, help_text="The callee saw this missed call.")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "ring_deadline"], name="call_state_deadline"),
            models.Index(fields=["caller", "-created_at"], name="call_caller_created"),
            models.Index(fields=["callee", "-created_at"], name="call_callee_created"),
        ]

    def __str__(self) -> str:
        return f"{self.media} call {str(self.id)[:8]} ({self.state})"

    @property
    def duration_seconds(self) -> int | None:
        if self.accepted_at is None or self.ended_at is None:
            return None
        return max(0, int((self.ended_at - self.accepted_at).total_seconds()))
