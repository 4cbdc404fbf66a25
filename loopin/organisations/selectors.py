"""Reads of host organisations. Every read of an organisation's private data is scoped by the caller's
memberships (`Organisation.objects.for_member`), and every check is `organisation_allows`."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from loopin.core.errors import NotFound, PermissionDenied
from loopin.organisations.error_codes import OrganisationErrorCode
from loopin.organisations.models import Membership, Organisation
from loopin.organisations.permissions import ROLE_ACTIONS, OrgAction, role_may

if TYPE_CHECKING:
    from loopin.accounts.models import User


def member_roles(*, user_id: Any, organisation_id: Any) -> QuerySet[Membership, str]:
    """The person's role in the organisation as a query (at most one row: one live membership each): what
    `member_role` reads, and what a query of the organisation's event can read in the same statement (the ids may
    be `OuterRef`s)."""
    return (
        Membership.objects.active()
        .filter(organisation_id=organisation_id, user_id=user_id, organisation__deleted_at__isnull=True)
        .values_list("role", flat=True)
    )


def member_role(user: User | None, organisation_id: uuid.UUID) -> str | None:
    """The caller's role in the organisation now (None: no live, accepted membership), read fresh every time."""
    if user is None or user.pk is None:
        return None
    return member_roles(user_id=user.pk, organisation_id=organisation_id).first()


def organisation_allows(user: User | None, organisation: Organisation, action: OrgAction) -> bool:
    """The one rule: whether `user`'s role in `organisation` allows `action` (every organisation service asks it)."""
    return role_may(member_role(user, organisation.id), action)


def member_ids_allowed(organisation_id: uuid.UUID, action: OrgAction) -> list[uuid.UUID]:
    """The people whose role in the (live) organisation allows `action` now."""
    return list(
        Membership.objects.active()
        .filter(organisation_id=organisation_id, role__in=ROLE_ACTIONS[action], organisation__deleted_at__isnull=True)
        .values_list("user_id", flat=True)
    )


def organisation_for(user: User, organisation_id: uuid.UUID, action: OrgAction) -> Organisation:
    """The organisation, for a member whose role allows `action`: 404 for anyone who is not a member now
    (outsiders and former members learn nothing), 403 for a member whose role is too small."""
    organisation = Organisation.objects.for_member(user, "view").filter(id=organisation_id).first()
    if organisation is None:
        raise NotFound("Organisation not found.", code=OrganisationErrorCode.ORGANISATION_NOT_FOUND)
    if not organisation_allows(user, organisation, action):
        raise PermissionDenied(
            "Your role in this organisation does not allow this.",
            code=OrganisationErrorCode.ORGANISATION_ROLE_TOO_SMALL,
        )
    return organisation


def organisation_owner(organisation_id: uuid.UUID) -> User | None:
    """The organisation's owner now (one at any time)."""
    row = Membership.objects.active().filter(organisation_id=organisation_id, role="owner").select_related("user")
    membership = row.first()
    return membership.user if membership is not None else None


def organisation_public(*, organisation_id: uuid.UUID) -> Organisation:
    """The public page of a live organisation (anyone)."""
    organisation = Organisation.objects.alive().filter(id=organisation_id).first()
    if organisation is None:
        raise NotFound("Organisation not found.", code=OrganisationErrorCode.ORGANISATION_NOT_FOUND)
    return organisation


def organisation_private(*, user: User, organisation_id: uuid.UUID) -> tuple[Organisation, str]:
    """The organisation with its private fields, and the caller's role (members only)."""
    organisation = organisation_for(user, organisation_id, "view")
    return organisation, member_role(user, organisation.id) or ""


def organisations_mine(*, user: User, offset: int, limit: int) -> tuple[list[Membership], int]:
    """The caller's live memberships (accepted), with their organisations, by organisation name."""
    rows = memberships_of(user).filter(accepted_at__isnull=False).order_by("organisation__name", "id")
    return list(rows[offset : offset + limit]), rows.count()


def invitations_mine(*, user: User, offset: int, limit: int) -> tuple[list[Membership], int]:
    """The caller's open invitations, newest first."""
    rows = (
        Membership.objects.open_invitations()
        .filter(user_id=user.pk, organisation__deleted_at__isnull=True)
        .select_related("organisation", "invited_by")
        .order_by("-created_at", "id")
    )
    return list(rows[offset : offset + limit]), rows.count()


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(
        user_id=user.pk, removed_at__isnull=True, organisation__deleted_at__isnull=True
    ).select_related("organisation")


def organisation_members(
    *, user: User, organisation_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[Membership], int]:
    """The organisation's members and open invitations (members only), owner first."""
    organisation = organisation_for(user, organisation_id, "view")
    rows = (
        Membership.objects.filter(organisation=organisation, removed_at__isnull=True)
        .select_related("user__person", "organisation")
        .order_by("created_at", "id")
    )
    items = sorted(rows, key=lambda m: (m.role != "owner", m.accepted_at is None))
    return items[offset : offset + limit], len(items)
