"""The events API's field types, validators and choice names (shared by every events schema)."""

from __future__ import annotations

import re
import sys
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, Field, PlainSerializer
from pydantic_core import PydanticCustomError

from loopin.core.choices import choices_literal
from loopin.core.time import ApiTime, to_display
from loopin.events.models import (
    AllowedGender,
    EventStatus,
    InvitationStatus,
    JoinMode,
    RequestStatus,
    RsvpPolicy,
    VenueType,
    Visibility,
)

PACKAGE = "loopin.events.schemas"
_Model = TypeVar("_Model", bound=type[BaseModel])


def named_as_package(model: _Model) -> _Model:
    """Keep a model's OpenAPI component name as it was before the schemas became a package. A name two models
    share (people's `PublicProfileOut`, venue commerce's `TransitionIn`, ...) is documented with its module,
    `loopin__events__schemas__PublicProfileOut`; so the model says it is the package's, and its schema is built
    again under that name, from the names of the module it is defined in."""
    namespace = dict(vars(sys.modules[model.__module__]))
    model.__module__ = PACKAGE
    model.model_rebuild(force=True, _types_namespace=namespace)
    return model


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
