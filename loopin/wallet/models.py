"""Apple Wallet passes of tickets and the devices that asked to hear when a pass changes."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class WalletPass(models.Model):
    """One Apple Wallet pass per ticket (serial number = the ticket's id), made on its first download.

    The pass's authentication token goes into every pass.json, so it is kept Fernet-encrypted (to write it
    again) beside its SHA-256 (what a device's `ApplePass <token>` is compared with, in constant time).
    """

    ticket = models.OneToOneField(
        "tickets.Ticket", primary_key=True, on_delete=models.CASCADE, related_name="wallet_pass"
    )
    pass_type_identifier = models.CharField(max_length=255)
    auth_token_hash = models.CharField(max_length=64, editable=False)
    auth_token_encrypted = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(
        default=timezone.now, db_index=True, help_text="When what the pass shows last changed (devices ask since)."
    )

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"wallet pass {self.ticket_id}"

    @property
    def serial_number(self) -> str:
        return str(self.ticket_id)


class WalletDevice(models.Model):
    """A device (iPhone, Watch) that holds passes, with the push token Apple gave it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    device_library_identifier = models.CharField(max_length=128, unique=True)
    push_token = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"wallet device {self.device_library_identifier[:8]}"


class WalletRegistration(models.Model):
    """A device asked for updates of a pass."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    device = models.ForeignKey(WalletDevice, on_delete=models.CASCADE, related_name="registrations")
    wallet_pass = models.ForeignKey(WalletPass, on_delete=models.CASCADE, related_name="registrations")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["device", "wallet_pass"], name="wallet_registration_once")]

    def __str__(self) -> str:
        return f"registration of {self.wallet_pass_id}"
