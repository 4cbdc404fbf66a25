"""Writing an event: create, update, the state machine's moves, venues, host leads."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from loopin.accounts.schemas import PhoneNumber
from loopin.core.schema_extra import not_nullable
from loopin.events.schemas.cards import OrganisationBriefOut
from loopin.events.schemas.fields import (
    RSVP_DOC,
    CountryCode,
    Covers,
    Currency,
    DisplayTime,
    Genders,
    InterestIds,
    InTime,
    JoinModeName,
    Lat,
    Lng,
    Money,
    RsvpPolicyName,
    Title,
    VenueTypeName,
    VisibilityName,
    named_as_package,
)


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


@named_as_package
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


@named_as_package
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


class MoveIn(BaseModel):
    """Where a personal event or venue moves: an organisation where your role allows `events`."""

    model_config = ConfigDict(extra="forbid")
    organisation_id: uuid.UUID = Field(
        description="The organisation that owns it from now on (once; it never moves back)"
    )


class HostLeadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    phone_number: PhoneNumber
    message: str = Field(default="", max_length=2000)


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


class HostLeadOut(BaseModel):
    id: uuid.UUID
    state: str
    created_at: DisplayTime
