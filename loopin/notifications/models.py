from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from loopin.core.models import SoftDeletedQuerySet


class Category(models.TextChoices):
    """What a notification is about; push can be switched off per category (in-app is always kept)."""

    REQUESTS = "requests", "Requests and invitations"
    TICKETS = "tickets", "Tickets and check-in"
    PAYMENTS = "payments", "Payments, refunds and payouts"
    EVENT_UPDATES = "event_updates", "Changes to events you're going to"
    REMINDERS = "reminders", "Event reminders"
    ACCOUNT = "account", "Your account"
    ANNOUNCEMENTS = "announcements", "News and suggestions from Loopin"
    SOCIAL = "social", "Likes, comments, mentions and tags"
    PEOPLE = "people", "Friend requests and new followers"


class Provider(models.TextChoices):
    ONESIGNAL = "onesignal", "OneSignal"
    FCM = "fcm", "Firebase Cloud Messaging"


class Platform(models.TextChoices):
    IOS = "ios", "iOS"
    ANDROID = "android", "Android"
    WEB = "web", "Web"


class Device(models.Model):
    """A push token of one app install. Upserted by token; providers' 'invalid token' answers deactivate it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_devices")
    provider = models.CharField(max_length=16, choices=Provider.choices)
    token = models.CharField(max_length=512, unique=True)
    platform = models.CharField(max_length=16, choices=Platform.choices)
    is_active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivation_reason = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-last_seen_at"]
        indexes = [models.Index(fields=["user", "is_active"])]

    def __str__(self) -> str:
        return f"{self.provider} {self.platform} device {str(self.id)[:8]}"


class NotificationTemplate(models.Model):
    """One version of the text for a kind of notification. Versions are never edited once used."""

    key = models.CharField(max_length=64, db_index=True, help_text="The trigger, e.g. join_request.received")
    version = models.PositiveIntegerField(default=1)
    category = models.CharField(max_length=24, choices=Category.choices)
    title = models.CharField(max_length=200, help_text="{{placeholders}} are filled from the trigger's context")
    body = models.TextField(max_length=2000)
    screen = models.CharField(max_length=64, blank=True, help_text="The app screen to open, e.g. event_detail")
    is_active = models.BooleanField(default=True, help_text="The newest active version of a key is used.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "-version"]
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="template_version_once")]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    template = models.ForeignKey(NotificationTemplate, on_delete=models.PROTECT, related_name="campaigns")
    # Audience rules: every rule that is set must hold.
    interests = models.ManyToManyField(
        "accounts.Interest", blank=True, related_name="+", help_text="Any of these interests (none: no rule)"
    )
    city = models.CharField(max_length=100, blank=True, help_text="Has a ticket for an event in this city")
    verified = models.BooleanField(null=True, blank=True, help_text="Phone verified (yes / no / any)")
    attended_event = models.BooleanField(null=True, blank=True, help_text="Was checked in at an event's door")
    has_active_device = models.BooleanField(null=True, blank=True, help_text="Has an active push device")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    recipients_total = models.PositiveIntegerField(default=0)
    sent_count = models.PositiveIntegerField(default=0, help_text="Recipients notified")
    failed_count = models.PositiveIntegerField(default=0, help_text="Recipients who could not be notified")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("send_campaign", "Can send, schedule and cancel campaigns")]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """One message in a person's in-app centre; pushed to each of their active devices."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    type = models.CharField(max_length=64, help_text="The template key")
    category = models.CharField(max_length=24, choices=Category.choices)
    title = models.CharField(max_length=300)
    body = models.TextField()
    object_type = models.CharField(max_length=32, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    screen = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    template = models.ForeignKey(
        NotificationTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    # Makes a trigger idempotent per person (reminders, campaigns): the same key is never notified twice.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001 (NULL: no key)
    push_requested = models.BooleanField(default=True, help_text="False when the person switched push off")
    push_started_at = models.DateTimeField(
        null=True, blank=True, help_text="When a push job first took it (empty: its job was never run)"
    )
    read_at = models.DateTimeField(null=True, blank=True)
    # Deleted from the centre by the person: hidden, but kept so dedupe keys still hold (no second reminder).
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = SoftDeletedQuerySet["Notification"].as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"]), models.Index(fields=["user", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], condition=Q(dedupe_key__isnull=False), name="notification_once_per_key"
            )
        ]
        permissions = [("resend_notification", "Can resend a notification")]

    def __str__(self) -> str:
        return f"{self.type} → {str(self.user_id)[:8]}"


class Delivery(models.Model):
    """One push of one notification to one device. The idempotency key makes a retry never push twice."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Retrying"
        FAILED = "failed", "Failed"
        INVALID_TOKEN = "invalid_token", "Invalid token"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="deliveries")
    idempotency_key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    provider_message_id = models.CharField(max_length=128, blank=True)
    last_error = models.CharField(max_length=255, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "deliveries"
        constraints = [models.UniqueConstraint(fields=["notification", "device"], name="one_delivery_per_device")]

    def __str__(self) -> str:
        return f"delivery {str(self.id)[:8]} ({self.status})"


class Preference(models.Model):
    """Push on or off for one category; a missing row means on."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs")
    category = models.CharField(max_length=24, choices=Category.choices)
    push_enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="one_pref_per_category")]

    def __str__(self) -> str:
        return f"{self.category}: {'on' if self.push_enabled else 'off'}"


class TriggerJob(models.Model):
    """A domain event waiting to become notifications: kept in the database so a lost job is run again.

    Its id is the trigger id in the notifications' dedupe keys, so running it twice notifies nobody twice.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)
    made = models.PositiveIntegerField(default=0, help_text="Notifications made")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], condition=Q(done_at__isnull=True), name="trigger_job_pending")]

    def __str__(self) -> str:
        return f"{self.name} {str(self.id)[:8]}"
