"""Request and response shapes of the events API."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer, field_validator, model_validator
from pydantic_core import PydanticCustomError

from loopin.accounts.schemas import InterestOut, PhoneNumber
from loopin.core.choices import choices_literal
from loopin.core.images import image_public_url
from loopin.core.links import absolute_url
from loopin.core.schema_extra import not_nullable
from loopin.core.time import ApiTime, to_display
from loopin.events.models import (
    AllowedGender,
    Event,
    EventImage,
    EventStatus,
    Invitation,
    InvitationStatus,
    InviteLink,
    JoinMode,
    JoinRequest,
    RequestStatus,
    RsvpPolicy,
    TicketTier,
    TierVisibility,
    VenueType,
    Visibility,
)
from loopin.events.questions import AnswerGiven
from loopin.events.share_paths import share_path
from loopin.events.tiers import TierState, card_availability, tier_state

if TYPE_CHECKING:
    from loopin.accounts.models import User
    from loopin.events.selectors.feed import EventView
    from loopin.events.selectors.people import Guest

DisplayTime = Annotated[datetime, PlainSerializer(lambda v: to_display(v).isoformat(), return_type=str)]
InTime = Annotated[
    ApiTime,
    Field(examples=["2026-12-20T19:00:00+05:30"], description="ISO 8601; without an offset it is read in Asia/Kolkata"),
]

if TYPE_CHECKING:  # mypy reads the values as plain strings; pydantic and OpenAPI see the Literal
    EventStatusName = str
    JoinModeName = str
    RsvpPolicyName = str
else:
    EventStatusName = choices_literal(EventStatus)
    JoinModeName = choices_literal(JoinMode)
    RsvpPolicyName = choices_literal(RsvpPolicy)
RSVP_DOC = (
    "How long a guest whose request was accepted may confirm (their seat is held until then): 48h or 7d after "
    "the acceptance, until 00:00 on the event day, or until the start"
)
if TYPE_CHECKING:  # mypy reads the values as plain strings; pydantic and OpenAPI see the Literal
    VisibilityName = str
    GenderName = str
    VenueTypeName = str
    RequestStatusName = str
    InvitationStatusName = str
else:
    VisibilityName = choices_literal(Visibility)
    GenderName = choices_literal(AllowedGender)
    VenueTypeName = choices_literal(VenueType)
    RequestStatusName = choices_literal(RequestStatus)
    InvitationStatusName = choices_literal(InvitationStatus)


def _title(value: str) -> str:
    value = " ".join(value.split())
    if not 3 <= len(value) <= 200:
        raise PydanticCustomError("invalid_title", "The title is 3 to 200 characters.")
    return value


def _url(value: str) -> str:
    if len(value) > 1000 or not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", value, flags=re.IGNORECASE):
        raise PydanticCustomError("invalid_url", "Must be an http(s) URL.")
    return value


def _genders(value: list[str]) -> list[str]:
    if not value:
        raise PydanticCustomError("invalid_genders", "Choose 'all' or at least one gender.")
    if "all" in value and len(value) > 1:
        raise PydanticCustomError("invalid_genders", "'all' cannot be combined with other genders.")
    return list(dict.fromkeys(value))


def _interest_ids(value: list[int]) -> list[int]:
    if not 1 <= len(value) <= 5:
        raise PydanticCustomError("interest_count", "Choose between 1 and 5 interests.")
    if len(set(value)) != len(value):
        raise PydanticCustomError("duplicate_interest", "Each interest may be chosen once.")
    return value


def _covers(value: list[str]) -> list[str]:
    if len(value) > 3:
        raise PydanticCustomError("too_many_images", "An event has at most 3 cover images.")
    return value


Title = Annotated[
    str,
    Field(
        max_length=400,
        examples=["Sunday sunrise run"],
        description="3 to 200 characters once runs of white space are one space",
        json_schema_extra={"format": "event-title"},
    ),
    AfterValidator(_title),
]
Url = Annotated[str, AfterValidator(_url)]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("10000000"), max_digits=10, decimal_places=2, examples=["499.00"])]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["INR"])]
CountryCode = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", examples=["IN"])]
InterestIds = Annotated[
    list[Annotated[int, Field(ge=1, le=2**31 - 1)]],
    AfterValidator(_interest_ids),
    Field(examples=[[1, 5]], json_schema_extra={"minItems": 1, "maxItems": 5, "uniqueItems": True}),
]
Genders = Annotated[list[GenderName], AfterValidator(_genders), Field(examples=[["all"]])]
Covers = Annotated[list[Url], AfterValidator(_covers)]
Lat = Annotated[float, Field(ge=-90, le=90)]
Lng = Annotated[float, Field(ge=-180, le=180)]


class _EventFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _coordinates_in_pairs(self) -> _EventFields:
        if (getattr(self, "latitude", None) is None) != (getattr(self, "longitude", None) is None):
            raise PydanticCustomError("coordinates_pair", "Give both latitude and longitude, or neither.")
        if getattr(self, "end_at", None) is not None and getattr(self, "duration_hours", None) is not None:
            raise PydanticCustomError("end_or_duration", "Give end_at or duration_hours, not both.")
        return self


class EventCreateIn(_EventFields):
    title: Title
    description: str = Field(default="", max_length=10000)
    venue_id: uuid.UUID | None = None
    location_text: str | None = Field(default=None, max_length=500, examples=["Cubbon Park main gate"])
    city: str | None = Field(default=None, max_length=100, examples=["Bengaluru"])
    country_code: CountryCode | None = None
    latitude: Lat | None = None
    longitude: Lng | None = None
    start_at: InTime
    end_at: InTime | None = None
    duration_hours: float | None = Field(default=None, gt=0, le=336)
    capacity: int = Field(default=0, ge=0, le=100000, description="0 means unlimited")
    is_paid: bool = False
    ticket_price: Money = Decimal("0.00")
    currency: Currency = "INR"
    allow_plus_one: bool = False
    allowed_genders: Genders = Field(default_factory=lambda: ["all"])
    interest_ids: InterestIds
    cover_images: Covers = Field(default_factory=list)
    join_mode: JoinModeName = "open"
    visibility: VisibilityName = "public"
    rsvp_expiry_policy: RsvpPolicyName = Field(default="7d", description=RSVP_DOC)
    publish: bool = Field(default=False, description="Publish at once instead of saving a draft")
    organisation_id: uuid.UUID | None = Field(
        default=None,
        description="Host the event as this organisation (your role there must allow `events`); null: personally",
    )

    @model_validator(mode="after")
    def _needs_an_end(self) -> EventCreateIn:
        if self.end_at is None and self.duration_hours is None:
            raise PydanticCustomError("end_required", "Give end_at or duration_hours.")
        return self


def _not_null(value: object) -> object:
    if value is None:
        raise PydanticCustomError("null_not_allowed", "This field cannot be cleared.")
    return value


class EventUpdateIn(_EventFields):
    """Any subset of the event's fields; the same rules as creation."""

    title: Title | None = Field(default=None, json_schema_extra=not_nullable)
    description: str | None = Field(default=None, max_length=10000)
    venue_id: uuid.UUID | None = None
    location_text: str | None = Field(default=None, max_length=500)
    city: str | None = Field(default=None, max_length=100)
    country_code: CountryCode | None = None
    latitude: Lat | None = None
    longitude: Lng | None = None
    start_at: InTime | None = Field(default=None, json_schema_extra=not_nullable)
    end_at: InTime | None = None
    duration_hours: float | None = Field(default=None, gt=0, le=336)
    capacity: Annotated[int, Field(ge=0, le=100000)] | None = Field(default=None, json_schema_extra=not_nullable)
    is_paid: bool | None = Field(default=None, json_schema_extra=not_nullable)
    ticket_price: Money | None = Field(default=None, json_schema_extra=not_nullable)
    currency: Currency | None = Field(default=None, json_schema_extra=not_nullable)
    allow_plus_one: bool | None = Field(default=None, json_schema_extra=not_nullable)
    allowed_genders: Genders | None = Field(default=None, json_schema_extra=not_nullable)
    interest_ids: InterestIds | None = Field(default=None, json_schema_extra=not_nullable)
    cover_images: Covers | None = None
    join_mode: JoinModeName | None = Field(default=None, json_schema_extra=not_nullable)
    visibility: VisibilityName | None = Field(default=None, json_schema_extra=not_nullable)
    rsvp_expiry_policy: RsvpPolicyName | None = Field(default=None, description=RSVP_DOC)

    @field_validator(
        "title",
        "start_at",
        "capacity",
        "is_paid",
        "interest_ids",
        "join_mode",
        "visibility",
        "allowed_genders",
        "allow_plus_one",
        "ticket_price",
        "currency",
        mode="before",
    )
    @classmethod
    def _required_if_given(cls, value: object) -> object:
        return _not_null(value)


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(default="", max_length=500)


class PostponeIn(TransitionIn):
    new_start_at: InTime | None = Field(default=None, description="The new time, if known")
    new_end_at: InTime | None = None


class RepublishIn(TransitionIn):
    new_start_at: InTime | None = Field(default=None, description="Required when the old time has passed")
    new_end_at: InTime | None = None


class VenueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=2, max_length=200, examples=["The Courtyard"])
    address: str = Field(default="", max_length=500)
    city: str = Field(min_length=2, max_length=100, examples=["Mumbai"])
    country_code: CountryCode = "IN"
    latitude: Decimal | None = Field(default=None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(default=None, ge=-180, le=180, max_digits=9, decimal_places=6)
    venue_type: VenueTypeName = "indoor"
    capacity: int | None = Field(default=None, ge=1, le=1000000)
    organisation_id: uuid.UUID | None = Field(
        default=None,
        description="Add the venue as this organisation's (your role there must allow `events`); null: personally",
    )

    @model_validator(mode="after")
    def _pair(self) -> VenueIn:
        if (self.latitude is None) != (self.longitude is None):
            raise PydanticCustomError("coordinates_pair", "Give both latitude and longitude, or neither.")
        return self


class VenueUpdateIn(BaseModel):
    """What changes (only what is sent). Name, address, city, country or position changed: verified again by staff."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=2, max_length=200, json_schema_extra=not_nullable)
    address: str | None = Field(default=None, max_length=500, json_schema_extra=not_nullable)
    city: str | None = Field(default=None, min_length=2, max_length=100, json_schema_extra=not_nullable)
    country_code: CountryCode | None = Field(default=None, json_schema_extra=not_nullable)
    latitude: Decimal | None = Field(default=None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(default=None, ge=-180, le=180, max_digits=9, decimal_places=6)
    venue_type: VenueTypeName | None = Field(default=None, json_schema_extra=not_nullable)
    capacity: int | None = Field(default=None, ge=1, le=1000000, description="null: not known")

    @field_validator("name", "address", "city", "country_code", "venue_type", mode="before")
    @classmethod
    def _required_if_given(cls, value: object) -> object:
        return _not_null(value)

    @model_validator(mode="after")
    def _pair(self) -> VenueUpdateIn:
        sent = self.model_fields_set
        if ("latitude" in sent) != ("longitude" in sent) or (self.latitude is None) != (self.longitude is None):
            raise PydanticCustomError("coordinates_pair", "Give both latitude and longitude, or neither.")
        return self


class HostLeadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    phone_number: PhoneNumber
    message: str = Field(default="", max_length=2000)


AnswerValue = Annotated[
    str | list[Annotated[str, Field(max_length=200)]],
    Field(max_length=2000, description="Text, one choice, or a list of choices (several-choice questions)"),
]


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question_id: uuid.UUID
    answer: AnswerValue


ANSWERS_DOC = "Answers to the event's checkout questions (GET /events/{id}/questions); required ones must be here"


def answers_given(answers: list[AnswerIn]) -> list[AnswerGiven]:
    return [AnswerGiven(question_id=a.question_id, answer=a.answer) for a in answers]


class AnswerOut(BaseModel):
    question_id: uuid.UUID
    label: str
    answer: str | list[str]


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


# ---------------------------------------------------------------- out


class HostOut(BaseModel):
    id: uuid.UUID
    name: str | None
    picture: str | None


class OrganisationBriefOut(BaseModel):
    id: uuid.UUID
    name: str
    handle: str
    is_verified: bool = Field(description="Verified by Loopin staff")
    logo: str | None

    @classmethod
    def from_event(cls, event: Event) -> OrganisationBriefOut | None:
        """The organisation whose event it is (None: a personal event, or its organisation was deleted)."""
        org = event.organisation if event.organisation_id is not None else None
        if org is None or org.deleted_at is not None:
            return None
        return cls(id=org.id, name=org.name, handle=org.handle, is_verified=org.is_verified, logo=org.logo_url or None)


class VenueBriefOut(BaseModel):
    id: uuid.UUID
    name: str
    city: str


if TYPE_CHECKING:  # mypy reads the values as plain strings; pydantic and OpenAPI see the Literal
    TierVisibilityName = str
    TierStateName = str
else:
    TierVisibilityName = choices_literal(TierVisibility)
    TierStateName = choices_literal(TierState)
CardAvailability = Literal["on_sale", "sold_out", "tiers_sold_out", "not_yet_on_sale", "sales_ended", "hidden"]
AVAILABILITY_DOC = (
    "sold_out: the event has no seat left; tiers_sold_out: every public tier on sale is full while the event "
    "still has seats; not_yet_on_sale / sales_ended: the public tiers' sales windows; hidden: only tiers behind "
    "an unlock code"
)


class TierOut(BaseModel):
    id: uuid.UUID
    name: str
    description: str | None
    price: str = Field(description="Decimal string per seat; the minimum when pay_what_you_want")
    pay_what_you_want: bool
    suggested_price: str | None
    currency: str
    capacity: int = Field(description="0: only the event's capacity limits it")
    seats_left: int | None = Field(description="The fewer of the tier's and the event's; null when unlimited")
    sales_start_at: DisplayTime | None
    sales_end_at: DisplayTime | None
    min_per_order: int
    max_per_order: int
    visibility: TierVisibilityName
    unlock_code: str | None = Field(description="The host's view only")
    requires_approval: bool
    sort_order: int
    is_default: bool = Field(description="The event's own price (what the app's dialect shows)")
    state: TierStateName

    @classmethod
    def from_model(
        cls,
        tier: TicketTier,
        event: Event,
        *,
        now: datetime | None = None,
        unlocked: bool = False,
        manager: bool = False,
    ) -> TierOut:
        """A tier as buyers (and hosts) see it; `seats_left` is the fewer of the tier's and the event's."""
        lefts = [n for n in (tier.seats_left, event.seats_left) if n is not None]
        return cls(
            id=tier.id,
            name=tier.name,
            description=tier.description or None,
            price=f"{tier.price:.2f}",
            pay_what_you_want=tier.pay_what_you_want,
            suggested_price=f"{tier.suggested_price:.2f}" if tier.suggested_price is not None else None,
            currency=event.currency,
            capacity=tier.capacity,
            seats_left=min(lefts) if lefts else None,
            sales_start_at=tier.sales_start_at,
            sales_end_at=tier.sales_end_at,
            min_per_order=tier.min_per_order,
            max_per_order=tier.max_seats(event),
            visibility=tier.visibility,
            unlock_code=(tier.unlock_code or None) if manager else None,
            requires_approval=tier.requires_approval,
            sort_order=tier.sort_order,
            is_default=tier.is_default,
            state=tier_state(tier, event, now=now, unlocked=unlocked),
        )


class EventCardOut(BaseModel):
    id: uuid.UUID
    canonical_id: str
    title: str
    start_at: DisplayTime
    end_at: DisplayTime
    status: EventStatusName
    join_mode: JoinModeName
    visibility: VisibilityName
    host: HostOut = Field(description="The person; of an organisation's event, the member who created it")
    organisation: OrganisationBriefOut | None = Field(
        default=None,
        description="The organisation whose event it is (its public page: /organisations/{id}); "
        "null for a personal event",
    )
    venue: VenueBriefOut | None
    location_text: str | None
    city: str | None
    interests: list[InterestOut]
    cover_image: str | None
    is_paid: bool
    price: str | None = Field(description="Decimal string, e.g. '499.00'; null for free events")
    currency: str
    capacity: int = Field(description="0 means unlimited")
    seats_left: int | None = Field(description="null when unlimited")
    availability: CardAvailability = Field(default="on_sale", description=AVAILABILITY_DOC)
    going_count: int
    my_status: Literal["going", "requested", "accepted", "invited"] | None
    distance_km: float | None
    share_path: str

    @classmethod
    def from_model(cls, event: Event) -> EventCardOut:
        """A list item: `event` read by the feed's card queryset (its annotations: the host's first picture, the
        first cover, the caller's relation when signed in, `distance_km` when asked from a point)."""
        return cls(**_card_fields(event))


def my_status(relation: Mapping[str, Any]) -> str | None:
    """The caller's status from the feed's `my_ticket` / `my_request` / `my_invitation` annotations."""
    if relation.get("my_ticket", False):
        return "going"
    request_status = relation.get("my_request")
    if request_status == "accepted":
        return "accepted"
    if request_status == "pending":
        return "requested"
    if relation.get("my_invitation") == "pending":
        return "invited"
    if relation.get("my_invitation") == "going":
        return "accepted"  # invited and said yes, but has no ticket yet (a paid event)
    return None


def _card_fields(event: Event) -> dict[str, Any]:
    """The card's fields of an event from the feed's card queryset (EventCardOut and EventDetailOut)."""
    row: Any = event  # with the card queryset's annotations
    relation = {name: getattr(row, name, None) for name in ("my_ticket", "my_request", "my_invitation")}
    distance = getattr(row, "distance_km", None)
    return {
        "id": event.id,
        "canonical_id": event.canonical_id,
        "title": event.title,
        "start_at": event.start_at,
        "end_at": event.end_at,
        "status": event.status,
        "join_mode": event.join_mode,
        "visibility": event.visibility,
        "host": HostOut(
            id=event.host.id,
            name=event.host.name or None,
            picture=image_public_url(row.host_pic_url or "", row.host_pic_file or "") or None,
        ),
        "organisation": OrganisationBriefOut.from_event(event),
        "venue": (
            VenueBriefOut(id=event.venue.id, name=event.venue.name, city=event.venue.city)
            if event.venue is not None
            else None
        ),
        "location_text": event.location_text or None,
        "city": event.city or None,
        "interests": [InterestOut(id=i.id, name=i.name, slug=i.slug) for i in event.interests.all()],
        "cover_image": image_public_url(row.cover_url or "", row.cover_file or "") or None,
        "is_paid": event.is_paid,
        "price": f"{event.ticket_price:.2f}" if event.is_paid else None,
        "currency": event.currency,
        "capacity": event.capacity,
        "seats_left": event.seats_left,
        "availability": card_availability(event),
        "going_count": event.going_count,
        "my_status": my_status(relation),
        "distance_km": round(distance, 2) if distance is not None else None,
        "share_path": share_path(event),
    }


class ImageOut(BaseModel):
    id: uuid.UUID
    url: str

    @classmethod
    def from_model(cls, image: EventImage) -> ImageOut:
        return cls(id=image.id, url=image.public_url)


class EventDetailOut(EventCardOut):
    description: str
    rsvp_expiry_policy: RsvpPolicyName = Field(description=RSVP_DOC)
    allow_plus_one: bool
    max_seats_per_guest: int
    allowed_genders: list[GenderName]
    status_reason: str | None
    images: list[ImageOut]
    tiers: list[TierOut] = Field(description="Public tiers (every tier to the host); hidden ones via /tiers")
    is_host: bool
    my_role: Literal["host", "co_host", "member"] | None = Field(
        description="host, co_host once accepted (their powers: docs/TICKETING.md), or member of the organisation "
        "whose event it is (their role's powers: docs/ORGANISATIONS.md); null for everyone else"
    )
    published_at: DisplayTime | None
    created_at: DisplayTime
    updated_at: DisplayTime

    @classmethod
    def from_view(cls, view: EventView) -> EventDetailOut:
        """The event screen: the card's fields of `view.event`, then everything else it shows."""
        event = view.event
        return cls(
            **_card_fields(event),
            description=event.description,
            allow_plus_one=event.allow_plus_one,
            rsvp_expiry_policy=event.rsvp_expiry_policy,
            max_seats_per_guest=2 if event.allow_plus_one else 1,
            allowed_genders=event.allowed_genders or ["all"],
            status_reason=event.status_reason or None,
            images=[ImageOut.from_model(i) for i in view.images],
            tiers=view.tiers,
            is_host=view.is_host,
            my_role=view.my_role,
            published_at=event.published_at,
            created_at=event.created_at,
            updated_at=event.updated_at,
        )


class VenueOut(BaseModel):
    id: uuid.UUID
    name: str
    address: str | None
    city: str
    country_code: str
    latitude: float | None
    longitude: float | None
    venue_type: VenueTypeName
    capacity: int | None
    is_verified: bool
    organisation: OrganisationBriefOut | None = Field(
        description="The organisation whose venue it is (its members run it by role); null: a personal venue"
    )
    created_at: DisplayTime


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
        answers: list[dict[str, Any]] | None = None,
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
            answers=[AnswerOut(**a) for a in answers] if answers is not None else None,
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


class HostLeadOut(BaseModel):
    id: uuid.UUID
    state: str
    created_at: DisplayTime


class ResolveOut(BaseModel):
    event: EventDetailOut
    share_path: str
    redirect: bool = Field(description="True when the given path is an old one; redirect to share_path")
