"""Host organisations: a club, a venue or a promoter running Loopin as a team.

A person creates an organisation and is its owner; members are invited (a `Membership` with no `accepted_at`)
and hold their role from accepting until `removed_at`. Exactly one owner at any time: a partial unique index
(one live owner membership per organisation) makes a second one impossible, whatever races.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from loopin.core.models import AuditedModel, DeletedByModel, SoftDeletedQuerySet
from loopin.invoices.models import GST_RATE_VALIDATORS, validate_invoice_prefix, validate_state_code
from loopin.organisations.permissions import ROLE_ACTIONS, OrgAction, OrgRole

if TYPE_CHECKING:
    from loopin.accounts.models import User

__all__ = ["Membership", "OrgRole", "Organisation"]


class OrganisationQuerySet(SoftDeletedQuerySet["Organisation"]):
    def for_member(self, user: User | None, action: OrgAction = "view") -> Self:
        """The live organisations in which `user` holds (accepted, not removed) a role allowing `action`."""
        return self.with_role(user, ROLE_ACTIONS[action])

    def with_role(self, user: User | None, roles: Iterable[str]) -> Self:
        """The live organisations in which `user` holds (accepted, not removed) one of `roles` now."""
        if user is None or user.pk is None:
            return self.none()
        return self.alive().filter(
            id__in=Membership.objects.active().filter(user_id=user.pk, role__in=list(roles)).values("organisation_id")
        )


class Organisation(AuditedModel, DeletedByModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    handle = models.CharField(max_length=30, help_text="Unique, case-insensitive; the public page's address.")
    description = models.TextField(blank=True, max_length=2000)
    city = models.CharField(max_length=100, blank=True)
    logo_url = models.URLField(
        max_length=1000, blank=True, help_text="What cards and pages show: a typed http(s) URL or the uploaded logo's."
    )
    logo = models.ImageField(
        upload_to="organisation-logos/", blank=True, help_text="The uploaded logo's file (empty for a typed URL)."
    )
    gstin = models.CharField("GSTIN", max_length=15, blank=True, help_text="For invoices; format and checksum checked.")
    legal_name = models.CharField(max_length=200, blank=True, help_text="The name registered with the GSTIN.")
    # The invoice fields a host's TaxProfile has, with its validators.
    state_code = models.CharField(
        max_length=2, blank=True, validators=[validate_state_code], help_text="GST state code when unregistered."
    )
    address = models.CharField(max_length=500, blank=True, help_text="The supplier's address on invoices.")
    invoice_prefix = models.CharField(
        max_length=4,
        default="INV",
        validators=[validate_invoice_prefix],
        help_text="Starts the organisation's invoice numbers (CLUB/26-27/000001).",
    )
    gst_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("18.00"),
        validators=GST_RATE_VALIDATORS,
        help_text="GST on the organisation's tickets (included in the ticket price), when it has a GSTIN.",
    )
    is_verified = models.BooleanField(default=False, help_text="Set by staff (the admin's verify action).")
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [
            ("verify_organisation", "Can verify an organisation"),
            ("transfer_organisation", "Can transfer an organisation's ownership"),
        ]
        constraints = [models.UniqueConstraint(Lower("handle"), name="organisation_handle_unique_ci")]

    def __str__(self) -> str:
        return f"{self.name} (@{self.handle})"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> Self:
        """Accepted and not removed: the memberships that hold a role."""
        return self.filter(accepted_at__isnull=False, removed_at__isnull=True)

    def open_invitations(self) -> Self:
        return self.filter(accepted_at__isnull=True, removed_at__isnull=True)


class Membership(models.Model):
    """A person's role in an organisation. Asked first (`accepted_at` empty: no powers yet); `removed_at` ends it
    (declined, left or removed); the row stays as the record."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="org_memberships")
    role = models.CharField(max_length=16, choices=OrgRole.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True, help_text="Empty: invited, no powers yet.")
    removed_at = models.DateTimeField(null=True, blank=True, help_text="Declined, left or removed.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], condition=Q(removed_at__isnull=True), name="one_live_membership"
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(role="owner", removed_at__isnull=True),
                name="one_owner_per_organisation",
            ),
        ]
        indexes = [models.Index(fields=["user", "removed_at"], name="membership_user_live")]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"
