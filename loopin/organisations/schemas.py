"""The designed API's shapes for organisations (`/api/v2/organisations...`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, model_validator

from loopin.organisations.models import Membership, Organisation
from loopin.organisations.permissions import actions_of

Role = Literal["owner", "admin", "manager", "agent", "door"]  # OrgRole.values (test_services checks they agree)
MemberRole = Literal["admin", "manager", "agent", "door"]
Handle = Annotated[str, Field(min_length=3, max_length=31, examples=["brewhouse"])]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrganisationCreateIn(_In):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    handle: Handle
    description: Annotated[str, Field(max_length=2000)] = ""
    city: Annotated[str, Field(max_length=100)] = ""
    logo_url: Annotated[str, Field(max_length=1000, pattern=r"^(https?://.+)?$")] = ""
    gstin: Annotated[str, Field(max_length=15, description="15 characters; checksum checked")] = ""
    legal_name: Annotated[str, Field(max_length=200, description="Required with a GSTIN")] = ""
    state_code: Annotated[str, Field(max_length=2, description="GST state code when unregistered")] = ""
    address: Annotated[str, Field(max_length=500, description="On its invoices")] = ""
    invoice_prefix: Annotated[str, Field(max_length=4, description="1 to 4 capital letters or digits")] = "INV"
    gst_rate: Annotated[Decimal, Field(max_digits=5, decimal_places=2)] = Decimal("18.00")


class OrganisationUpdateIn(_In):
    name: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    handle: Handle | None = None
    description: Annotated[str, Field(max_length=2000)] | None = None
    city: Annotated[str, Field(max_length=100)] | None = None
    logo_url: Annotated[str, Field(max_length=1000, pattern=r"^(https?://.+)?$")] | None = None
    gstin: Annotated[str, Field(max_length=15)] | None = None
    legal_name: Annotated[str, Field(max_length=200)] | None = None
    state_code: Annotated[str, Field(max_length=2)] | None = None
    address: Annotated[str, Field(max_length=500)] | None = None
    invoice_prefix: Annotated[str, Field(max_length=4, examples=["CLUB"])] | None = None
    gst_rate: Annotated[Decimal, Field(max_digits=5, decimal_places=2)] | None = None

    def fields(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class InviteIn(_In):
    phone_number: str | None = Field(None, examples=["+919800000101"])
    handle: str | None = Field(None, examples=["diya"])
    role: MemberRole

    @model_validator(mode="after")
    def _one_of(self) -> InviteIn:
        if not self.phone_number and not self.handle:
            raise ValueError("Give a phone number or a handle.")
        return self


class RoleIn(_In):
    role: MemberRole


class TransferIn(_In):
    user_id: uuid.UUID = Field(description="An accepted member; the owner stays on as an admin")


class OrganisationPublicOut(BaseModel):
    """The public page's shape."""

    id: uuid.UUID
    name: str
    handle: str
    description: str
    city: str
    logo_url: str | None
    is_verified: bool
    created_at: datetime

    @classmethod
    def from_model(cls, o: Organisation) -> OrganisationPublicOut:
        return cls(id=o.id, name=o.name, handle=o.handle, description=o.description, city=o.city,
                   logo_url=o.logo_url or None, is_verified=o.is_verified, created_at=o.created_at)  # fmt: skip


class OrganisationOut(OrganisationPublicOut):
    """A member's view: the public fields, the invoice fields, the caller's role and what it allows."""

    gstin: str
    legal_name: str
    state_code: str
    address: str
    invoice_prefix: str
    gst_rate: Decimal
    my_role: Role
    my_actions: list[str]

    @classmethod
    def for_member(cls, o: Organisation, role: str) -> OrganisationOut:
        public = OrganisationPublicOut.from_model(o).model_dump()
        return cls(
            **public, gstin=o.gstin, legal_name=o.legal_name, state_code=o.state_code, address=o.address,
            invoice_prefix=o.invoice_prefix, gst_rate=o.gst_rate, my_role=cast("Role", role),
            my_actions=actions_of(role),
        )  # fmt: skip


class MembershipOut(BaseModel):
    """A member (or an invitation: `accepted_at` null) of an organisation."""

    user_id: uuid.UUID
    name: str
    handle: str | None
    role: Role
    invited_at: datetime
    accepted_at: datetime | None

    @classmethod
    def from_model(cls, m: Membership) -> MembershipOut:
        person = getattr(m.user, "person", None)
        return cls(user_id=m.user_id, name=m.user.name, handle=getattr(person, "handle", None),
                   role=cast("Role", m.role), invited_at=m.created_at, accepted_at=m.accepted_at)  # fmt: skip


class MyMembershipOut(BaseModel):
    """One of the caller's organisations (or invitations) with their role."""

    organisation: OrganisationPublicOut
    role: Role
    invited_at: datetime
    accepted_at: datetime | None

    @classmethod
    def from_model(cls, m: Membership) -> MyMembershipOut:
        return cls(organisation=OrganisationPublicOut.from_model(m.organisation), role=cast("Role", m.role),
                   invited_at=m.created_at, accepted_at=m.accepted_at)  # fmt: skip
