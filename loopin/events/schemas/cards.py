"""The event card (a list item), the event screen and their parts."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from loopin.accounts.schemas import InterestOut
from loopin.core.images import image_public_url
from loopin.events.models import Event, EventImage
from loopin.events.schemas.fields import (
    RSVP_DOC,
    DisplayTime,
    EventStatusName,
    GenderName,
    JoinModeName,
    RsvpPolicyName,
    VisibilityName,
)
from loopin.events.schemas.tiers import TierOut
from loopin.events.share_paths import share_path
from loopin.events.tiers import card_availability

if TYPE_CHECKING:
    from loopin.events.selectors.feed import EventView


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


CardAvailability = Literal["on_sale", "sold_out", "tiers_sold_out", "not_yet_on_sale", "sales_ended", "hidden"]
AVAILABILITY_DOC = (
    "sold_out: the event has no seat left; tiers_sold_out: every public tier on sale is full while the event "
    "still has seats; not_yet_on_sale / sales_ended: the public tiers' sales windows; hidden: only tiers behind "
    "an unlock code"
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


class ResolveOut(BaseModel):
    event: EventDetailOut
    share_path: str
    redirect: bool = Field(description="True when the given path is an old one; redirect to share_path")
