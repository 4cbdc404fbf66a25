"""One-time TOTP enrolment links, issued by a superuser: the only way to set up an authenticator when
TOTP is required (a password alone never reveals a TOTP secret)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class TotpEnrolmentLink(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_links")
    token_hash = models.CharField(max_length=64, unique=True)  # sha256 of the token; the token is never stored
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # null: issued with `manage.py staff_totp_link`
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)  # the owner's password was given on it (single use)
    claimed_session = models.CharField(max_length=64, blank=True)  # sha256 of a secret kept in the claiming session
    used_at = models.DateTimeField(null=True, blank=True)  # an authenticator was confirmed through it

    class Meta:
        verbose_name = "TOTP enrolment link"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"TOTP enrolment link for user {self.user_id}"
