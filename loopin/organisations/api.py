"""Host organisations HTTP API (`/api/v2/organisations...`).

Statuses: 404 `ORGANISATION_NOT_FOUND` for anyone who is not a member now (outsiders and former members alike),
403 `ORGANISATION_ROLE_TOO_SMALL` for a member whose role does not allow the action (the table in
`loopin.organisations.permissions`); the public page is anyone's.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import File, UploadFile

from loopin.accounts.models import User
from loopin.core.auth import CurrentUser
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, ok, ok_page
from loopin.core.images import MAX_IMAGE_BYTES
from loopin.core.pagination import PageParams
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.organisations import selectors, services
from loopin.organisations.schemas import (
    InviteIn,
    MembershipOut,
    MyMembershipOut,
    OrganisationCreateIn,
    OrganisationOut,
    OrganisationPublicOut,
    OrganisationUpdateIn,
    RoleIn,
    TransferIn,
)

router = APIRouter(prefix="/api/v2/organisations", tags=["organisations"])
routers = [router]


def _private(user: User, organisation_id: uuid.UUID) -> dict[str, Any]:
    organisation, role = selectors.organisation_private(user=user, organisation_id=organisation_id)
    return OrganisationOut.for_member(organisation, role).model_dump(mode="json")


def organisation_create_and_read(*, user: User, fields: dict[str, Any]) -> dict[str, Any]:
    """Create the organisation, then read it as its owner."""
    organisation = services.organisation_create(user=user, **fields)
    return _private(user, organisation.id)


def organisation_private_read(*, user: User, organisation_id: uuid.UUID) -> dict[str, Any]:
    """The organisation as the calling member sees it."""
    return _private(user, organisation_id)


def organisation_update_and_read(*, user: User, organisation_id: uuid.UUID, fields: dict[str, Any]) -> dict[str, Any]:
    """Edit, then read the organisation as the caller sees it."""
    services.organisation_update(user=user, organisation_id=organisation_id, **fields)
    return _private(user, organisation_id)


def organisation_logo_upload_and_read(*, user: User, organisation_id: uuid.UUID, content: bytes) -> dict[str, Any]:
    """Upload the logo, then read the organisation as the caller sees it."""
    services.organisation_logo_upload(user=user, organisation_id=organisation_id, content=content)
    return _private(user, organisation_id)


def organisation_logo_remove_and_read(*, user: User, organisation_id: uuid.UUID) -> dict[str, Any]:
    """Remove the logo, then read the organisation as the caller sees it."""
    services.organisation_logo_remove(user=user, organisation_id=organisation_id)
    return _private(user, organisation_id)


def invitation_accept_and_read(*, user: User, organisation_id: uuid.UUID) -> dict[str, Any]:
    """Accept the invitation, then read the organisation as the new member."""
    services.invitation_respond(user=user, organisation_id=organisation_id, accept=True)
    return _private(user, organisation_id)


def ownership_transfer_and_read(*, user: User, organisation_id: uuid.UUID, to_user_id: uuid.UUID) -> dict[str, Any]:
    """Hand over, then read the organisation as the caller (now an admin) sees it."""
    services.ownership_transfer(user=user, organisation_id=organisation_id, to_user_id=to_user_id)
    return _private(user, organisation_id)


def organisation_public_read(*, organisation_id: uuid.UUID) -> dict[str, Any]:
    """The public page's shape."""
    organisation = selectors.organisation_public(organisation_id=organisation_id)
    return OrganisationPublicOut.from_model(organisation).model_dump(mode="json")


def organisations_mine_page(*, user: User, offset: int, limit: int) -> dict[str, Any]:
    """A page of the caller's organisations."""
    rows, total = selectors.organisations_mine(user=user, offset=offset, limit=limit)
    items = [MyMembershipOut.from_model(m).model_dump(mode="json") for m in rows]
    return ok_page(items, total=total, offset=offset, limit=limit)


def invitations_mine_page(*, user: User, offset: int, limit: int) -> dict[str, Any]:
    """A page of the caller's open invitations."""
    rows, total = selectors.invitations_mine(user=user, offset=offset, limit=limit)
    items = [MyMembershipOut.from_model(m).model_dump(mode="json") for m in rows]
    return ok_page(items, total=total, offset=offset, limit=limit)


def members_page(*, user: User, organisation_id: uuid.UUID, offset: int, limit: int) -> dict[str, Any]:
    """A page of the organisation's members and invitations."""
    rows, total = selectors.organisation_members(user=user, organisation_id=organisation_id, offset=offset, limit=limit)
    items = [MembershipOut.from_model(m).model_dump(mode="json") for m in rows]
    return ok_page(items, total=total, offset=offset, limit=limit)


def member_invite_and_read(
    *, user: User, organisation_id: uuid.UUID, role: str, phone_number: str | None, handle: str | None
) -> dict[str, Any]:
    """Invite, then read the invitation as the members list shows it."""
    membership = services.member_invite(
        user=user, organisation_id=organisation_id, role=role, phone_number=phone_number, handle=handle
    )
    return MembershipOut.from_model(membership).model_dump(mode="json")


def member_change_role_and_read(
    *, user: User, organisation_id: uuid.UUID, user_id: uuid.UUID, role: str
) -> dict[str, Any]:
    """Change the role, then read the member."""
    membership = services.member_change_role(user=user, organisation_id=organisation_id, user_id=user_id, role=role)
    return MembershipOut.from_model(membership).model_dump(mode="json")


@router.post("", response_model=Envelope[OrganisationOut], status_code=201, responses=error_responses(401, 409, 422))
async def organisation_create(body: OrganisationCreateIn, caller: CurrentUser) -> dict[str, Any]:
    """Create an organisation; the caller becomes its owner."""
    data = await run_sync(organisation_create_and_read, user=caller, fields=body.model_dump())
    return ok(data, "Organisation created")


@router.get("/mine", response_model=ListEnvelope[MyMembershipOut], responses=error_responses(401, 422))
async def organisations_mine(caller: CurrentUser, page: PageParams) -> dict[str, Any]:
    """The organisations the caller is a member of, with their role."""
    return await run_sync(organisations_mine_page, user=caller, offset=page.offset, limit=page.limit)


@router.get("/invitations", response_model=ListEnvelope[MyMembershipOut], responses=error_responses(401, 422))
async def invitations_mine(caller: CurrentUser, page: PageParams) -> dict[str, Any]:
    """The caller's open invitations to organisations."""
    return await run_sync(invitations_mine_page, user=caller, offset=page.offset, limit=page.limit)


@router.get("/{organisation_id}", response_model=Envelope[OrganisationPublicOut], responses=error_responses(404, 422))
async def organisation_public(organisation_id: uuid.UUID) -> dict[str, Any]:
    """An organisation's public page (anyone)."""
    return ok(await run_sync(organisation_public_read, organisation_id=organisation_id))


@router.get(
    "/{organisation_id}/private", response_model=Envelope[OrganisationOut], responses=error_responses(401, 404, 422)
)
async def organisation_private(organisation_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """The organisation as a member sees it: invoice fields, their role and what it allows."""
    return ok(await run_sync(organisation_private_read, user=caller, organisation_id=organisation_id))


@router.patch(
    "/{organisation_id}", response_model=Envelope[OrganisationOut], responses=error_responses(401, 403, 404, 409, 422)
)
async def organisation_update(
    organisation_id: uuid.UUID, body: OrganisationUpdateIn, caller: CurrentUser
) -> dict[str, Any]:
    """Edit the organisation's profile (owner, admin)."""
    data = await run_sync(
        organisation_update_and_read, user=caller, organisation_id=organisation_id, fields=body.fields()
    )
    return ok(data, "Organisation updated")


@router.delete("/{organisation_id}", response_model=Envelope[None], responses=error_responses(401, 403, 404, 422))
async def organisation_delete(organisation_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Delete the organisation (owner)."""
    await run_sync(services.organisation_delete, user=caller, organisation_id=organisation_id)
    return ok(None, "Organisation deleted")


@router.post(
    "/{organisation_id}/logo",
    response_model=Envelope[OrganisationOut],
    status_code=201,
    responses=error_responses(401, 403, 404, 413, 422),
)
async def organisation_logo_upload(
    organisation_id: uuid.UUID,
    caller: CurrentUser,
    logo: Annotated[UploadFile, File(description="JPEG/PNG/WebP, <= 5 MB")],
) -> dict[str, Any]:
    """Upload the organisation's logo (owner, admin); it replaces the one it had, uploaded or typed."""
    content = await logo.read(MAX_IMAGE_BYTES + 1)
    data = await run_sync(
        organisation_logo_upload_and_read, user=caller, organisation_id=organisation_id, content=content
    )
    return ok(data, "Logo uploaded")


@router.delete(
    "/{organisation_id}/logo", response_model=Envelope[OrganisationOut], responses=error_responses(401, 403, 404, 422)
)
async def organisation_logo_remove(organisation_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Remove the organisation's logo (owner, admin)."""
    data = await run_sync(organisation_logo_remove_and_read, user=caller, organisation_id=organisation_id)
    return ok(data, "Logo removed")


@router.get(
    "/{organisation_id}/members", response_model=ListEnvelope[MembershipOut], responses=error_responses(401, 404, 422)
)
async def organisation_members(organisation_id: uuid.UUID, caller: CurrentUser, page: PageParams) -> dict[str, Any]:
    """The organisation's members and open invitations (members only), the owner first."""
    return await run_sync(
        members_page, user=caller, organisation_id=organisation_id, offset=page.offset, limit=page.limit
    )


@router.post(
    "/{organisation_id}/members",
    response_model=Envelope[MembershipOut],
    status_code=201,
    responses=error_responses(400, 401, 403, 404, 409, 422, 429),
)
async def member_invite(organisation_id: uuid.UUID, body: InviteIn, caller: CurrentUser) -> dict[str, Any]:
    """Invite a person by phone number or handle, in a role other than owner (owner, admin)."""
    data = await run_sync(member_invite_and_read, user=caller, organisation_id=organisation_id, role=body.role,
                          phone_number=body.phone_number, handle=body.handle)  # fmt: skip
    return ok(data, "Invitation sent")


@router.put(
    "/{organisation_id}/members/{user_id}",
    response_model=Envelope[MembershipOut],
    responses=error_responses(400, 401, 403, 404, 422),
)
async def member_change_role(
    organisation_id: uuid.UUID, user_id: uuid.UUID, body: RoleIn, caller: CurrentUser
) -> dict[str, Any]:
    """Change a member's role (owner, admin; never the owner's, never to owner)."""
    data = await run_sync(
        member_change_role_and_read, user=caller, organisation_id=organisation_id, user_id=user_id, role=body.role
    )
    return ok(data, "Role changed")


@router.delete(
    "/{organisation_id}/members/{user_id}",
    response_model=Envelope[None],
    responses=error_responses(400, 401, 403, 404, 422),
)
async def member_remove(organisation_id: uuid.UUID, user_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Remove a member or withdraw an invitation (owner, admin); their access ends at once."""
    await run_sync(services.member_remove, user=caller, organisation_id=organisation_id, user_id=user_id)
    return ok(None, "Member removed")


@router.post(
    "/{organisation_id}/invitation/accept",
    response_model=Envelope[OrganisationOut],
    responses=error_responses(401, 404, 422),
)
async def invitation_accept(organisation_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Accept an invitation: the role's powers start now."""
    data = await run_sync(invitation_accept_and_read, user=caller, organisation_id=organisation_id)
    return ok(data, "Invitation accepted")


@router.post(
    "/{organisation_id}/invitation/decline", response_model=Envelope[None], responses=error_responses(401, 404, 422)
)
async def invitation_decline(organisation_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Decline an invitation."""
    await run_sync(services.invitation_respond, user=caller, organisation_id=organisation_id, accept=False)
    return ok(None, "Invitation declined")


@router.post("/{organisation_id}/leave", response_model=Envelope[None], responses=error_responses(400, 401, 404, 422))
async def organisation_leave(organisation_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Leave the organisation (the owner transfers ownership first)."""
    await run_sync(services.organisation_leave, user=caller, organisation_id=organisation_id)
    return ok(None, "You left the organisation")


@router.post(
    "/{organisation_id}/transfer-ownership",
    response_model=Envelope[OrganisationOut],
    responses=error_responses(401, 403, 404, 422),
)
async def ownership_transfer(organisation_id: uuid.UUID, body: TransferIn, caller: CurrentUser) -> dict[str, Any]:
    """Hand the organisation to an accepted member (owner); the caller stays on as an admin."""
    data = await run_sync(ownership_transfer_and_read, user=caller, organisation_id=organisation_id,
                          to_user_id=body.user_id)  # fmt: skip
    return ok(data, "Ownership transferred")
