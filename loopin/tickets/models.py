from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from loopin.core.ids import number_field


class TicketStatus(models.TextChoices):
    VALID = "valid", "Valid"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"


class TicketSource(models.TextChoices):
    OPEN = "open", "Open event"
    REQUEST = "request", "Accepted request"
    INVITATION = "invitation", "Invitation"
    PURCHASE = "purchase", "Purchase"


class Ticket(models.Model):
    """A person's place at an event (their attendance record): seats, a short code, a status."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = number_field("tickets", "ticket")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="tickets")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tickets")
    seats = models.PositiveSmallIntegerField(default=1)
    tier = models.ForeignKey(
        "events.TicketTier", null=True, blank=True, on_delete=models.RESTRICT, related_name="tickets"
    )
    status = models.CharField(max_length=16, choices=TicketStatus.choices, default=TicketStatus.VALID, db_index=True)
    source = models.CharField(max_length=16, choices=TicketSource.choices)
    code = models.CharField(max_length=12, unique=True, help_text="Short human code for manual entry.")
    join_request = models.ForeignKey(
        "events.JoinRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    invitation = models.ForeignKey(
        "events.Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=64, blank=True)
    # At the door (written only by loopin.tickets.door under this row's lock).
    checked_in_at = models.DateTimeField(null=True, blank=True, help_text="First admission.")
    inside = models.BooleanField(default=False)
    entry_count = models.PositiveIntegerField(default=0)
    last_scan_at = models.DateTimeField(null=True, blank=True, help_text="Time of the last entry or exit.")
    no_show_at = models.DateTimeField(null=True, blank=True, help_text="Marked after the event ended unscanned.")

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], condition=Q(status="valid"), name="one_valid_ticket_per_user"
            )
        ]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self) -> str:
        return f"ticket {self.code}"


class EventDoorSettings(models.Model):
    """Per-event door rules, kept here so the events domain stays untouched. Missing row: the defaults."""

    event = models.OneToOneField("events.Event", primary_key=True, on_delete=models.CASCADE, related_name="door")
    reentry_allowed = models.BooleanField(default=False, help_text="After an exit, may the ticket enter again?")
    opens_minutes_before = models.PositiveIntegerField(
        default=60, help_text="Check-in opens this many minutes before the start (at most 1440)."
    )
    opened_at = models.DateTimeField(null=True, blank=True, help_text="When checkin_opened was sent (once).")
    no_shows_marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "door settings"
        verbose_name_plural = "door settings"

    def __str__(self) -> str:
        return f"door settings of {self.event_id}"


class CheckinKey(models.Model):
    """An Ed25519 key that signs an event's ticket QR codes. The private half is Fernet-encrypted at rest.

    One key per event is active (signs new codes). Inactive keys still verify until retired.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="checkin_keys")
    kid = models.CharField(max_length=16, unique=True)
    public_key = models.CharField(max_length=64, help_text="Raw 32-byte public key, base64url.")
    private_key_encrypted = models.TextField(editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True, help_text="Codes signed by a retired key are invalid.")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["event"], condition=Q(is_active=True), name="one_active_checkin_key")
        ]

    def __str__(self) -> str:
        return f"key {self.kid}"


class DoorStaff(models.Model):
    """Someone the host lets scan tickets of one event."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="door_staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="door_duties")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "door staff"
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="door_staff_once")]

    def __str__(self) -> str:
        return f"door staff {self.user_id} at {self.event_id}"


class ScanResult(models.TextChoices):
    OK = "ok", "OK"
    ALREADY_CHECKED_IN = "already_checked_in", "Already checked in"
    NOT_CHECKED_IN = "not_checked_in", "Not checked in (exit)"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"
    UNPAID = "unpaid", "Unpaid"
    WRONG_EVENT = "wrong_event", "Wrong event"
    INVALID = "invalid", "Invalid"
    NOT_YET_OPEN = "not_yet_open", "Not yet open"


class ScanDirection(models.TextChoices):
    ENTRY = "entry", "Entry"
    EXIT = "exit", "Exit"


class Scan(models.Model):
    """Every scan at the door, failed ones too, with the answer given (replayed for the same nonce)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="scans")
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="scans")
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="door_scans"
    )
    device_id = models.CharField(max_length=64, blank=True)
    nonce = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of what was scanned and the direction.")
    method = models.CharField(max_length=8, help_text="qr or code")
    direction = models.CharField(max_length=8, choices=ScanDirection.choices)
    result = models.CharField(max_length=24, choices=ScanResult.choices, db_index=True)
    reason = models.CharField(max_length=32, blank=True)
    offline = models.BooleanField(default=False)
    duplicate = models.BooleanField(default=False, help_text="An offline admission of a ticket already inside.")
    scanned_at = models.DateTimeField(help_text="When the scanner saw the code.")
    received_at = models.DateTimeField(auto_now_add=True)
    response = models.JSONField(default=dict, help_text="The answer given, replayed for the same nonce.")

    class Meta:
        ordering = ["-scanned_at"]
        constraints = [models.UniqueConstraint(fields=["event", "nonce"], name="scan_nonce_once")]
        indexes = [models.Index(fields=["event", "result", "scanned_at"])]

    def __str__(self) -> str:
        return f"scan {self.result} {self.direction}"


class CalendarFeed(models.Model):
    """A person's secret calendar feed of their tickets. Only the SHA-256 of its token is kept; rotating
    replaces it, so the old feed address stops working at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(help_text="When the current address was made (rotated).")

    class Meta:
        verbose_name = "calendar feed"

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id}"
