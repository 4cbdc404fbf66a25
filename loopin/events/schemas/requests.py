"""Join requests, invitations, invite links and attendance: what guests and hosts send and read."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from loopin.accounts.schemas import InterestOut
from loopin.core.links import absolute_url
from loopin.events.models import Invitation, InvitationStatus, InviteLink, JoinRequest
from loopin.events.schemas.cards import EventCardOut
from loopin.events.schemas.fields import DisplayTime, InTime, RequestStatusName, named_as_package
from loopin.events.schemas.questions import ANSWERS_DOC, AnswerIn, AnswerOut

if TYPE_CHECKING:
    from loopin.accounts.models import User
    from loopin.events.questions import Answered
    from loopin.events.selectors.people import Guest


class JoinRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    message: str = Field(default="", max_length=2000)
    seats_requested: int = Field(default=1, ge=1, le=10)
    tier_id: uuid.UUID | None = Field(default=None, description="Default: the default tier")
    unlock_code: str | None = Field(default=None, max_length=64, description="Reveals a hidden tier")
    answers: list[AnswerIn] = Field(default_factory=list, max_length=30, description=ANSWERS_DOC)


class HostDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    host_message: str = Field(default="", max_length=2000)


class BulkActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    request_ids: list[uuid.UUID] = Field(min_length=1, max_length=100)
    action: Literal["accept", "decline"]
    host_message: str = Field(default="", max_length=2000)


class InvitationsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_ids: list[uuid.UUID] = Field(min_length=1, max_length=50)
    message: str = Field(default="", max_length=2000)
    expires_at: InTime | None = None


class PhoneInvitationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phone_number: str = Field(max_length=32, examples=["+916205829376"])
    message: str = Field(default="", max_length=2000)


class PhoneInvitationOut(BaseModel):
    phone_number: str = Field(description="Masked, e.g. '+91******9376'")
    status: Literal["invited"] = Field(
        description="The same whether or not the number has an account: an invitation, or an SMS and a waiting one"
    )


class InviteLinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    expires_at: InTime | None = None
    max_uses: int | None = Field(default=None, ge=1, le=100000)


@named_as_package
class RespondIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    response: Literal["going", "not_going"]
    seats: int = Field(default=1, ge=1, le=2)


class AcceptLinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=8, max_length=64)
    seats: int = Field(default=1, ge=1, le=2)


class AttendanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seats: int = Field(default=1, ge=1, le=10)
    tier_id: uuid.UUID | None = Field(default=None, description="Default: the default tier, else one on sale")
    unlock_code: str | None = Field(default=None, max_length=64, description="Reveals a hidden tier")
    answers: list[AnswerIn] = Field(default_factory=list, max_length=30, description=ANSWERS_DOC)


@named_as_package
class PublicProfileOut(BaseModel):
    id: uuid.UUID
    name: str | None
    age: int | None
    gender: str | None
    picture: str | None
    pictures: list[str]
    bio: str | None
    interests: list[InterestOut]

    @classmethod
    def from_model(cls, user: User) -> PublicProfileOut:
        """What anyone around an event sees of a person; `user` with its pictures and interests prefetched in order
        (`selectors.people.public_users`)."""
        pictures = [p.public_url for p in user.pictures.all()]
        return cls(
            id=user.id,
            name=user.name or None,
            age=user.age,
            gender=user.gender or None,
            picture=pictures[0] if pictures else None,
            pictures=pictures,
            bio=user.bio or None,
            interests=[InterestOut(id=i.id, name=i.name, slug=i.slug) for i in user.interests.all()],
        )


def _profile(user: User | None) -> PublicProfileOut | None:
    return PublicProfileOut.from_model(user) if user is not None else None


class JoinRequestOut(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID
    status: RequestStatusName
    message: str
    seats_requested: int
    host_message: str | None
    created_at: DisplayTime
    decided_at: DisplayTime | None
    requester: PublicProfileOut | None = None
    event: EventCardOut | None = None
    answers: list[AnswerOut] | None = Field(default=None, description="The requester's answers (to the host)")
    answers_missing: bool | None = Field(default=None, description="A required question is unanswered (host)")

    @classmethod
    def from_model(
        cls,
        req: JoinRequest,
        *,
        requester: User | None = None,
        event: EventCardOut | None = None,
        answers: list[Answered] | None = None,
        answers_missing: bool | None = None,
    ) -> JoinRequestOut:
        return cls(
            id=req.id,
            event_id=req.event_id,
            status=req.status,
            message=req.message,
            seats_requested=req.seats_requested,
            host_message=req.host_message or None,
            created_at=req.created_at,
            decided_at=req.decided_at,
            requester=_profile(requester),
            event=event,
            answers=[AnswerOut.from_model(a) for a in answers] if answers is not None else None,
            answers_missing=answers_missing,
        )

    @classmethod
    def from_guest(cls, guest: Guest[JoinRequest]) -> JoinRequestOut:
        """A row of the host's list: the request, the requester's profile and answers."""
        return cls.from_model(
            guest.row, requester=guest.person, answers=guest.answers, answers_missing=guest.answers_missing
        )


class BulkResultOut(BaseModel):
    request_id: uuid.UUID
    ok: bool
    status: str | None
    error_code: str | None
    error: str | None


class InvitationOut(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID
    status: Literal["pending", "going", "not_going", "revoked", "expired"]
    message: str | None
    expires_at: DisplayTime | None
    responded_at: DisplayTime | None
    created_at: DisplayTime
    via_link: bool
    invitee: PublicProfileOut | None = None
    event: EventCardOut | None = None

    @classmethod
    def from_model(
        cls, inv: Invitation, *, invitee: User | None = None, event: EventCardOut | None = None
    ) -> InvitationOut:
        """An invitation; a pending one past its expiry reads `expired`."""
        expired = inv.status == InvitationStatus.PENDING and inv.is_expired
        return cls(
            id=inv.id,
            event_id=inv.event_id,
            status="expired" if expired else inv.status,  # type: ignore[arg-type]  # the model's choices
            message=inv.message or None,
            expires_at=inv.expires_at,
            responded_at=inv.responded_at,
            created_at=inv.created_at,
            via_link=inv.link_id is not None,
            invitee=_profile(invitee),
            event=event,
        )


class InviteLinkOut(BaseModel):
    id: uuid.UUID
    token: str
    url: str
    expires_at: DisplayTime | None
    max_uses: int | None
    uses: int
    is_active: bool
    created_at: DisplayTime

    @classmethod
    def from_model(cls, link: InviteLink) -> InviteLinkOut:
        return cls(
            id=link.id,
            token=link.token,
            url=absolute_url(f"/invite/{link.token}"),
            expires_at=link.expires_at,
            max_uses=link.max_uses,
            uses=link.uses,
            is_active=link.is_active,
            created_at=link.created_at,
        )
