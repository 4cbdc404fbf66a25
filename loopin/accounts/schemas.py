"""Request and response shapes of the phone sign-in and profile endpoints (the client's contract)."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from loopin.accounts.models import Gender, User
from loopin.core.phone import InvalidPhoneNumber, normalize_phone
from loopin.core.schema_extra import not_nullable
from loopin.core.settings import get_settings


def _phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except InvalidPhoneNumber as exc:
        raise PydanticCustomError("invalid_phone", str(exc)) from None


PhoneNumber = Annotated[
    str,
    Field(
        examples=["+916205829376"],
        max_length=40,
        description="A phone number libphonenumber accepts: E.164, or a national number read in region IN; "
        "spaces, dashes and brackets are allowed",
        json_schema_extra={"format": "phone"},
    ),
    AfterValidator(_phone),
]


def _otp(value: str) -> str:
    length = get_settings().OTP_LENGTH
    if not re.fullmatch(rf"\d{{{length}}}", value):
        raise PydanticCustomError("invalid_otp_format", f"The code is exactly {length} digits.")
    return value


OtpCodeStr = Annotated[
    str,
    Field(
        examples=["1097"],
        max_length=16,
        json_schema_extra={"pattern": f"^[0-9]{{{get_settings().OTP_LENGTH}}}$"},  # OTP_LENGTH digits
    ),
    AfterValidator(_otp),
]


def _name(value: str) -> str:
    value = " ".join(value.split())
    if not 2 <= len(value) <= 100:
        raise PydanticCustomError("invalid_name", "The name is 2 to 100 characters.")
    if not all(ch.isalpha() or ch in " -'’." for ch in value) or not any(ch.isalpha() for ch in value):
        raise PydanticCustomError("invalid_name", "A name holds letters, spaces, hyphens, apostrophes and full stops.")
    return value


def _birth_date(value: date) -> date:
    today = date.today()
    age = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
    if value > today:
        raise PydanticCustomError("invalid_birth_date", "The birth date is in the future.")
    if age < 18:
        raise PydanticCustomError("underage", "You must be 18 or older to use Loopin.")
    if age > 120:
        raise PydanticCustomError("invalid_birth_date", "That birth date is not plausible.")
    return value


def _interests(value: list[int]) -> list[int]:
    if not 1 <= len(value) <= 5:
        raise PydanticCustomError("interest_count", "Choose between 1 and 5 interests.")
    if len(set(value)) != len(value):
        raise PydanticCustomError("duplicate_interest", "Each interest may be chosen once.")
    return value


def _picture_url(value: str) -> str:
    if len(value) > 1000 or not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", value, flags=re.IGNORECASE):
        raise PydanticCustomError("invalid_picture_url", "Each picture URL must be an http(s) URL.")
    return value


def _picture_urls(value: list[str]) -> list[str]:
    if len(value) > 6:
        raise PydanticCustomError("picture_count", "Add between 1 and 6 profile pictures.")
    return value


Name = Annotated[
    str,
    Field(
        examples=["Gaurav Kumar"],
        max_length=200,
        description="2 to 100 characters once runs of white space are one space: letters, spaces, hyphens, "
        "apostrophes and full stops, at least one letter",
        json_schema_extra={"format": "person-name"},
    ),
    AfterValidator(_name),
]
BirthDate = Annotated[date, Field(examples=["1995-01-01"]), AfterValidator(_birth_date)]
InterestIds = Annotated[
    list[Annotated[int, Field(ge=1, le=2**31 - 1)]],
    Field(examples=[[1, 2, 3]], json_schema_extra={"minItems": 1, "maxItems": 5, "uniqueItems": True}),
    AfterValidator(_interests),
]
PictureUrl = Annotated[str, AfterValidator(_picture_url)]
PictureUrls = Annotated[
    list[PictureUrl], Field(examples=[["https://example.com/pic1.jpg"]]), AfterValidator(_picture_urls)
]
Bio = Annotated[str, Field(max_length=1000)]


class PhoneIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    phone_number: PhoneNumber


class VerifyIn(BaseModel):
    phone_number: PhoneNumber
    otp_code: OtpCodeStr


class RefreshIn(BaseModel):
    refresh_token: str = Field(min_length=20, max_length=200)


class SignupOut(BaseModel):
    phone_number: str
    user_status: Literal["new", "existing"]
    otp_sent: bool = True


class LoginOut(BaseModel):
    phone_number: str
    otp_sent: bool = True


class VerifyOtpOut(BaseModel):
    user_id: uuid.UUID
    phone_number: str
    needs_profile_completion: bool
    is_verified: bool


class VerifyLoginOut(BaseModel):
    user_id: uuid.UUID
    phone_number: str
    name: str | None
    is_verified: bool
    needs_profile_completion: bool


class TokenFields(BaseModel):
    token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires")


class VerifyOtpEnvelope(TokenFields):
    success: bool = True
    message: str
    data: VerifyOtpOut


class VerifyLoginEnvelope(TokenFields):
    success: bool = True
    message: str
    data: VerifyLoginOut


class RefreshOut(BaseModel):
    user_id: uuid.UUID


class RefreshEnvelope(TokenFields):
    success: bool = True
    message: str
    data: RefreshOut


class InterestOut(BaseModel):
    id: int
    name: str
    slug: str


class ProfileCompleteIn(BaseModel):
    """complete-profile: every field is required (pictures may instead come as uploaded files)."""

    model_config = ConfigDict(extra="forbid")
    phone_number: PhoneNumber | None = None
    name: Name
    birth_date: BirthDate
    gender: Gender
    event_interests: InterestIds
    profile_pictures: PictureUrls = Field(default_factory=list)
    bio: Bio | None = None


class ProfileUpdateIn(BaseModel):
    """PUT /api/auth/profile: any subset of the fields, with the same rules."""

    model_config = ConfigDict(extra="forbid")
    name: Name | None = Field(default=None, json_schema_extra=not_nullable)
    birth_date: BirthDate | None = Field(default=None, json_schema_extra=not_nullable)
    gender: Gender | None = Field(default=None, json_schema_extra=not_nullable)
    event_interests: InterestIds | None = Field(default=None, json_schema_extra=not_nullable)
    profile_pictures: PictureUrls | None = None
    bio: Bio | None = None

    @field_validator("name", "birth_date", "gender", "event_interests", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise PydanticCustomError("null_not_allowed", "This field cannot be cleared.")
        return value


class ProfileOut(BaseModel):
    id: uuid.UUID
    user_id: uuid.UUID
    phone_number: str
    name: str | None
    birth_date: date | None
    age: int | None
    gender: str | None
    bio: str
    event_interests: list[InterestOut]
    profile_pictures: list[str]
    is_verified: bool
    is_host: bool
    profile_complete: bool
    needs_profile_completion: bool
    waitlisted: bool = Field(description="On the onboarding waitlist: other endpoints answer 403 WAITLISTED")
    promote_at: datetime | None = Field(description="When the user leaves the waitlist (if they are on it)")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_user(cls, user: User) -> ProfileOut:
        return cls(
            id=user.id,
            user_id=user.id,
            phone_number=user.phone_number,
            name=user.name or None,
            birth_date=user.birth_date,
            age=user.age,
            gender=user.gender or None,
            bio=user.bio,
            event_interests=[InterestOut(id=i.id, name=i.name, slug=i.slug) for i in user.interests.all()],
            profile_pictures=[p.public_url for p in user.pictures.all()],
            is_verified=user.is_verified,
            is_host=user.is_host,
            profile_complete=user.profile_complete,
            needs_profile_completion=not user.profile_complete,
            waitlisted=user.is_waitlisted,
            promote_at=user.promote_at if user.is_waitlisted else None,
            created_at=user.date_joined,
            updated_at=user.updated_at,
        )


class DeleteCodeOut(BaseModel):
    otp_sent: bool = True
    expires_in: int = Field(description="Seconds the code stays valid")


class AccountDeleteIn(BaseModel):
    otp_code: OtpCodeStr
