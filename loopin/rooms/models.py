"""Audio rooms: the room, who is in it with which role, who is banned from it, and LiveKit's webhooks seen.

Media runs on LiveKit (one LiveKit room per our room, named by our room's id); these rows are the truth of
who may be in the room and with which grants. docs/ROOMS.md.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class RoomState(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    LIVE = "live", "Live"
    ENDED = "ended", "Ended"


# scheduled → live → ended; scheduled → ended (cancelled). Ended is final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    RoomState.SCHEDULED: (RoomState.LIVE, RoomState.ENDED),
    RoomState.LIVE: (RoomState.ENDED,),
}


class EndReason(models.TextChoices):
    LAST_HOST_LEFT = "last_host_left", "The last host left"
    HOST_ENDED = "host_ended", "A host ended the room"
    STAFF_CLOSED = "staff_closed", "Closed by Loopin staff"
    MEDIA_FINISHED = "media_finished", "The media server closed the room"
    CANCELLED = "cancelled", "Cancelled before it started"


class Role(models.TextChoices):
    HOST = "host", "Host"
    MODERATOR = "moderator", "Moderator"
    SPEAKER = "speaker", "Speaker"
    AUDIENCE = "audience", "Audience"


ON_STAGE = (Role.HOST, Role.MODERATOR, Role.SPEAKER)  # may publish audio; count against max_speakers


class Room(models.Model):
    """A live audio room. `event` set: only the event's host and its ticket holders may come in."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=120)
    topic = models.CharField(max_length=500, blank=True)
    interests = models.ManyToManyField("accounts.Interest", blank=True, related_name="rooms")
    event = models.ForeignKey("events.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="rooms")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="rooms_created"
    )
    state = models.CharField(max_length=16, choices=RoomState.choices, default=RoomState.LIVE, db_index=True)
    end_reason = models.CharField(max_length=24, choices=EndReason.choices, blank=True)
    max_speakers = models.PositiveSmallIntegerField(help_text="Hosts, moderators and speakers on stage at most.")
    starts_at = models.DateTimeField(null=True, blank=True, help_text="Scheduled rooms: when the host means to start.")
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "-started_at"], name="room_state_started")]
        permissions = [("close_room", "Can close a live audio room")]

    def __str__(self) -> str:
        return f"{self.title} ({self.state})"

    @property
    def media_name(self) -> str:
        """The LiveKit room's name."""
        return f"room-{self.id}"


class RoomMember(models.Model):
    """A person's place in a room. `left_at` empty: in the room now. Rejoining reuses the row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.AUDIENCE)
    hand_raised_at = models.DateTimeField(null=True, blank=True)
    muted = models.BooleanField(default=False, help_text="Muted by a host or moderator (or by themselves).")
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)
    media_joined_at = models.DateTimeField(null=True, blank=True, help_text="LiveKit says they connected.")
    media_sid = models.CharField(max_length=64, blank=True, help_text="Their LiveKit participant's sid.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["joined_at"]
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="one_member_row_per_room")]
        indexes = [models.Index(fields=["room", "left_at"], name="room_member_present")]

    def __str__(self) -> str:
        return f"{self.user_id} as {self.role} in {self.room_id}"

    @property
    def present(self) -> bool:
        return self.left_at is None


PRESENT = Q(left_at__isnull=True)


class RoomBan(models.Model):
    """Removed and banned: this person may not come back into this room."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="bans")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_bans")
    banned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="one_ban_per_room")]

    def __str__(self) -> str:
        return f"{self.user_id} banned from {self.room_id}"


class MediaWebhook(models.Model):
    """A LiveKit webhook already applied (its event id), so a redelivery changes nothing."""

    event_id = models.CharField(max_length=64, primary_key=True)
    kind = models.CharField(max_length=32)
    media_room = models.CharField(max_length=64, blank=True)
    identity = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id}"
