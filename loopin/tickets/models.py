from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


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
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="tickets")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tickets")
    seats = models.PositiveSmallIntegerField(default=1)
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
