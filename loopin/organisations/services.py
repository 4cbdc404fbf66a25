"""Writes of host organisations: create and edit (the logo typed as a URL or uploaded), invitations and their
answers, roles, removal, leaving, ownership transfer and soft delete. Each checks the caller with
`organisation_for` / `organisation_allows` (the one rule) and records an audit entry naming the organisation
(`obj` and `data["organisation_id"]`)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Field
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, ValidationFailed
from loopin.core.images import image_clean, image_public_url
from loopin.core.models import stamp
from loopin.core.signals import send_after_commit
from loopin.organisations import signals
from loopin.organisations.error_codes import OrganisationErrorCode
from loopin.organisations.models import Membership, Organisation
from loopin.organisations.permissions import OrgRole
from loopin.organisations.selectors import organisation_for
from loopin.organisations.validation import gstin_problem
from loopin.people.handles import handle_problem, handle_taken
from loopin.people.services.lookup import person_to_ask

if TYPE_CHECKING:
    from collections.abc import Mapping

EDITABLE = ("name", "handle", "description", "city", "logo_url", "gstin", "legal_name", "state_code", "address",
            "invoice_prefix", "gst_rate")  # fmt: skip
INVOICE_FIELDS = ("state_code", "invoice_prefix", "gst_rate")  # checked by the TaxProfile's own validators


def _audit(action: str, *, actor: User | None, organisation: Organisation, subject: User | None = None,
           **data: Any) -> None:  # fmt: skip
    audit_record(
        action=action,
        actor=actor,
        obj=organisation,
        subject=subject,
        data={"organisation_id": str(organisation.id), **data},
    )


def _clean(fields: Mapping[str, Any], *, organisation: Organisation | None) -> dict[str, Any]:
    """Validated profile fields: a free handle (people's and organisations' share one namespace), a valid GSTIN
    with its legal name."""
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items() if k in EDITABLE}
    if "handle" in cleaned:
        handle = str(cleaned["handle"]).lstrip("@")
        cleaned["handle"] = handle
        problem = handle_problem(handle)
        if problem:
            raise ValidationFailed.one("handle", "invalid_handle", problem)
        others = Organisation.objects.filter(handle__iexact=handle)
        if organisation is not None:
            others = others.exclude(id=organisation.id)
        if others.exists() or handle_taken(handle):
            raise Conflict("This handle is taken.", code=OrganisationErrorCode.ORGANISATION_HANDLE_TAKEN)
    if "gstin" in cleaned:
        cleaned["gstin"] = str(cleaned["gstin"]).upper()
        problem = gstin_problem(cleaned["gstin"]) if cleaned["gstin"] else None
        if problem:
            raise ValidationFailed.one("gstin", "invalid_gstin", problem)
    if "invoice_prefix" in cleaned:
        cleaned["invoice_prefix"] = str(cleaned["invoice_prefix"]).upper()
    for name in INVOICE_FIELDS:
        if name in cleaned:
            try:
                field = Organisation._meta.get_field(name)
                if isinstance(field, Field):  # a column, never a relation (INVOICE_FIELDS)
                    field.run_validators(cleaned[name])
            except DjangoValidationError as exc:
                raise ValidationFailed.one(name, f"invalid_{name}", " ".join(exc.messages)) from None
    gstin = cleaned.get("gstin", organisation.gstin if organisation else "")
    legal_name = cleaned.get("legal_name", organisation.legal_name if organisation else "")
    if gstin and not legal_name:
        raise ValidationFailed.one("legal_name", "missing", "Give the legal name registered with the GSTIN.")
    return cleaned


def organisation_create(*, user: User, name: str, handle: str, **fields: Any) -> Organisation:
    """Create an organisation; the creator is its owner."""
    cleaned = _clean({"name": name, "handle": handle, **fields}, organisation=None)
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(**cleaned, created_by=user, updated_by=user)
            Membership.objects.create(
                organisation=organisation, user=user, role=OrgRole.OWNER, invited_by=user, accepted_at=timezone.now()
            )
            _audit("organisation.created", actor=user, organisation=organisation)
    except IntegrityError:  # the same handle created at the same moment
        raise Conflict("This handle is taken.", code=OrganisationErrorCode.ORGANISATION_HANDLE_TAKEN) from None
    return organisation


def organisation_update(*, user: User, organisation_id: uuid.UUID, **fields: Any) -> Organisation:
    """Edit the organisation's profile (owner, admin)."""
    with transaction.atomic():
        organisation = organisation_for(user, organisation_id, "edit_organisation")
        cleaned = _clean(fields, organisation=organisation)
        changed = sorted(k for k, v in cleaned.items() if getattr(organisation, k) != v)
        if changed:
            for key in changed:
                setattr(organisation, key, cleaned[key])
            extra = []
            if "logo_url" in changed and organisation.logo.name:  # a typed URL replaces the uploaded logo
                _delete_after_commit(organisation.logo.name)
                organisation.logo = ""
                extra.append("logo")
            organisation.updated_by = user
            try:
                with transaction.atomic():
                    organisation.save(update_fields=[*changed, *extra, "updated_by", "updated_at"])
            except IntegrityError:
                raise Conflict("This handle is taken.", code=OrganisationErrorCode.ORGANISATION_HANDLE_TAKEN) from None
            _audit("organisation.updated", actor=user, organisation=organisation, fields=changed)
    return organisation


def organisation_delete(*, user: User, organisation_id: uuid.UUID) -> None:
    """Soft-delete the organisation (owner); every membership stops giving powers with it."""
    with transaction.atomic():
        organisation = organisation_for(user, organisation_id, "delete")
        organisation.deleted_at = timezone.now()
        organisation.deleted_by = user
        organisation.updated_by = user
        organisation.save(update_fields=["deleted_at", "deleted_by", "updated_by", "updated_at"])
        _audit("organisation.deleted", actor=user, organisation=organisation)


def member_invite(
    *, user: User, organisation_id: uuid.UUID, role: str, phone_number: str | None = None, handle: str | None = None
) -> Membership:
    """Invite a person (by phone number or handle) in a role other than owner (owner, admin)."""
    if not phone_number and not handle:
        raise ValidationFailed.one("phone_number", "missing", "Give a phone number or a handle.")
    if role == OrgRole.OWNER:
        raise BusinessRuleError(
            "Make someone the owner by transferring ownership.",
            code=OrganisationErrorCode.ORGANISATION_OWNER_BY_TRANSFER,
        )
    organisation = organisation_for(user, organisation_id, "members")
    person = person_to_ask(asker=user, phone_number=phone_number, handle=handle)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(organisation=organisation, user=person, role=role, invited_by=user)
            _audit("organisation.member_invited", actor=user, organisation=organisation, subject=person, role=role)
            send_after_commit(signals.member_invited, membership_id=membership.id)
    except IntegrityError:
        raise Conflict(
            "This person is a member already, or invited.", code=OrganisationErrorCode.ORGANISATION_MEMBER_EXISTS
        ) from None
    return membership


def invitation_respond(*, user: User, organisation_id: uuid.UUID, accept: bool) -> Membership:
    """The invited person accepts (the role's powers from now on) or declines."""
    with transaction.atomic():
        membership = (
            Membership.objects.open_invitations()
            .select_for_update()
            .filter(organisation_id=organisation_id, user_id=user.pk, organisation__deleted_at__isnull=True)
            .first()
        )
        if membership is None:
            raise NotFound(
                "You have no open invitation to this organisation.",
                code=OrganisationErrorCode.ORGANISATION_INVITATION_NOT_FOUND,
            )
        now = timezone.now()
        if accept:
            membership.accepted_at = now
        else:
            membership.removed_at = now
        membership.updated_by = user
        membership.save(update_fields=["accepted_at", "removed_at", "updated_by"])
        _audit(
            "organisation.invitation_accepted" if accept else "organisation.invitation_declined",
            actor=user,
            organisation=membership.organisation,
            subject=user,
            role=membership.role,
        )
        if accept:
            send_after_commit(signals.member_role_given, organisation_id=organisation_id, user_id=user.id)
    return membership


def _live_membership(organisation: Organisation, user_id: uuid.UUID) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("user")
        .filter(organisation=organisation, user_id=user_id, removed_at__isnull=True)
        .first()
    )
    if membership is None:
        raise NotFound("This person is not a member.", code=OrganisationErrorCode.ORGANISATION_MEMBER_NOT_FOUND)
    return membership


def _lock(organisation: Organisation) -> None:
    """One membership change at a time per organisation (the owner's row is read and changed under it)."""
    Organisation.objects.select_for_update().filter(id=organisation.id).first()


def member_change_role(*, user: User, organisation_id: uuid.UUID, user_id: uuid.UUID, role: str) -> Membership:
    """Give a member (or an invitation) another role, never owner and never the owner's (owner, admin)."""
    if role == OrgRole.OWNER:
        raise BusinessRuleError(
            "Make someone the owner by transferring ownership.",
            code=OrganisationErrorCode.ORGANISATION_OWNER_BY_TRANSFER,
        )
    with transaction.atomic():
        organisation = organisation_for(user, organisation_id, "members")
        _lock(organisation)
        organisation = organisation_for(user, organisation_id, "members")  # still allowed once the lock is ours
        membership = _live_membership(organisation, user_id)
        if membership.role == OrgRole.OWNER:
            raise BusinessRuleError(
                "The owner's role changes only by transferring ownership.",
                code=OrganisationErrorCode.ORGANISATION_OWNER_STAYS,
            )
        if membership.role != role:
            before = membership.role
            membership.role = role
            membership.updated_by = user
            membership.save(update_fields=["role", "updated_by"])
            _audit("organisation.role_changed", actor=user, organisation=organisation, subject=membership.user,
                   role=role, was=before)  # fmt: skip
            if membership.accepted_at is not None:
                send_after_commit(signals.member_role_given, organisation_id=organisation.id, user_id=user_id)
    return membership


def member_remove(*, user: User, organisation_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Remove a member or withdraw an invitation (owner, admin; never the owner); their access ends at once."""
    with transaction.atomic():
        organisation = organisation_for(user, organisation_id, "members")
        _lock(organisation)
        organisation = organisation_for(user, organisation_id, "members")
        membership = _live_membership(organisation, user_id)
        if membership.role == OrgRole.OWNER:
            raise BusinessRuleError(
                "The owner cannot be removed; transfer ownership first.",
                code=OrganisationErrorCode.ORGANISATION_OWNER_STAYS,
            )
        membership.removed_at = timezone.now()
        membership.updated_by = user
        membership.save(update_fields=["removed_at", "updated_by"])
        _audit("organisation.member_removed", actor=user, organisation=organisation, subject=membership.user,
               role=membership.role)  # fmt: skip


def organisation_leave(*, user: User, organisation_id: uuid.UUID) -> None:
    """A member leaves (the owner transfers ownership first)."""
    with transaction.atomic():
        organisation = organisation_for(user, organisation_id, "view")
        _lock(organisation)
        membership = _live_membership(organisation, user.id)
        if membership.role == OrgRole.OWNER:
            raise BusinessRuleError(
                "The owner cannot leave; transfer ownership first.",
                code=OrganisationErrorCode.ORGANISATION_OWNER_STAYS,
            )
        membership.removed_at = timezone.now()
        membership.updated_by = user
        membership.save(update_fields=["removed_at", "updated_by"])
        _audit("organisation.member_left", actor=user, organisation=organisation, subject=user, role=membership.role)


def _hand_over(*, actor: User, organisation: Organisation, to_user_id: uuid.UUID) -> Membership:
    """Under the organisation's lock: the owner becomes an admin, the member the owner (exactly one owner)."""
    new = _live_membership(organisation, to_user_id)
    if new.accepted_at is None:
        raise NotFound(
            "This person has not accepted their invitation.",
            code=OrganisationErrorCode.ORGANISATION_MEMBER_NOT_FOUND,
        )
    if new.role == OrgRole.OWNER:
        return new
    old = (
        Membership.objects.select_for_update()
        .select_related("user")
        .get(organisation=organisation, role=OrgRole.OWNER, removed_at__isnull=True)
    )
    old.role, old.updated_by = OrgRole.ADMIN, actor
    old.save(update_fields=["role", "updated_by"])  # first: the one-owner index never sees two
    new.role, new.updated_by = OrgRole.OWNER, actor
    new.save(update_fields=["role", "updated_by"])
    _audit("organisation.ownership_transferred", actor=actor, organisation=organisation, subject=new.user,
           previous_owner_id=str(old.user_id))  # fmt: skip
    send_after_commit(signals.member_role_given, organisation_id=organisation.id, user_id=new.user_id)
    return new


def ownership_transfer(*, user: User, organisation_id: uuid.UUID, to_user_id: uuid.UUID) -> Membership:
    """The owner hands the organisation to an accepted member and stays on as an admin."""
    with transaction.atomic():
        organisation = organisation_for(user, organisation_id, "transfer")
        _lock(organisation)
        # Read again under the lock: of two transfers at once, the second finds its caller no longer the owner.
        organisation = organisation_for(user, organisation_id, "transfer")
        return _hand_over(actor=user, organisation=organisation, to_user_id=to_user_id)


def ownership_transfer_by_staff(*, staff: User, organisation_id: uuid.UUID, to_user_id: uuid.UUID) -> Membership:
    """Staff (the admin, with `organisations.transfer_organisation`) hand an organisation to a member."""
    with transaction.atomic():
        organisation = Organisation.objects.alive().select_for_update().filter(id=organisation_id).first()
        if organisation is None:
            raise NotFound("Organisation not found.", code=OrganisationErrorCode.ORGANISATION_NOT_FOUND)
        return _hand_over(actor=staff, organisation=organisation, to_user_id=to_user_id)


def organisation_verify(*, staff: User, organisation_id: uuid.UUID, verified: bool = True) -> Organisation:
    """Staff mark an organisation verified (or not); the admin action checks `verify_organisation`."""
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(id=organisation_id)
        if organisation.is_verified != verified:
            organisation.is_verified = verified
            organisation.verified_at = timezone.now() if verified else None
            organisation.verified_by = staff if verified else None
            organisation.updated_by = staff
            organisation.save(update_fields=["is_verified", "verified_at", "verified_by", "updated_by", "updated_at"])
            _audit("organisation.verified" if verified else "organisation.unverified", actor=staff,
                   organisation=organisation)  # fmt: skip
    return organisation


def _delete_after_commit(name: str) -> None:
    transaction.on_commit(lambda: default_storage.delete(name))


def _logo_replace(*, user: User, organisation_id: uuid.UUID, name: str) -> tuple[Organisation, bool]:
    """Make `name` (a stored file, or "" for none) the organisation's logo under its lock; the file it had is
    deleted once this commits. Returns the organisation and whether anything changed."""
    organisation_for(user, organisation_id, "edit_organisation")
    organisation = Organisation.objects.select_for_update().get(id=organisation_id)
    old = organisation.logo.name
    url = image_public_url("", name) if name else ""
    if (old, organisation.logo_url) == (name, url):
        return organisation, False
    organisation.logo = name
    organisation.logo_url = url
    organisation.save(update_fields=["logo", "logo_url", "updated_at", *stamp(organisation, user, "update")])
    if old:
        _delete_after_commit(old)
    return organisation, True


def organisation_logo_upload(*, user: User, organisation_id: uuid.UUID, content: bytes) -> Organisation:
    """Upload the organisation's logo (JPEG/PNG/WebP, <= 5 MB; owner, admin), re-encoded without metadata."""
    clean = image_clean(content, field="logo")
    organisation_for(user, organisation_id, "edit_organisation")  # a refused caller writes no file
    name = default_storage.save(
        f"organisation-logos/{organisation_id}/{uuid.uuid4().hex}.{clean.extension}", ContentFile(clean.content)
    )
    try:
        with transaction.atomic():
            organisation, _ = _logo_replace(user=user, organisation_id=organisation_id, name=name)
            _audit("organisation.logo_uploaded", actor=user, organisation=organisation)
    except Exception:
        default_storage.delete(name)
        raise
    return organisation


def organisation_logo_remove(*, user: User, organisation_id: uuid.UUID) -> Organisation:
    """Remove the organisation's logo, uploaded or typed (owner, admin)."""
    with transaction.atomic():
        organisation, changed = _logo_replace(user=user, organisation_id=organisation_id, name="")
        if changed:
            _audit("organisation.logo_removed", actor=user, organisation=organisation)
    return organisation
