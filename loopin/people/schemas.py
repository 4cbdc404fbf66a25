"""Request and response shapes of the people API (/api/v2/users, /api/v2/me/...)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from loopin.accounts.schemas import InterestOut

Audience = Literal["everyone", "friends", "nobody"]


class PersonCardOut(BaseModel):
    id: uuid.UUID
    name: str | None
    handle: str | None
    picture: str | None
    mutual_friends: int = Field(description="Friends the caller and this person have in common")
    is_friend: bool


class SearchResultOut(PersonCardOut):
    shared_events: int = Field(description="Events both attended")
    shared_interests: int


class SuggestionOut(SearchResultOut):
    reason: str | None = Field(examples=["3 mutual friends"])
    reasons: list[str] = Field(examples=[["3 mutual friends", "Both went to Sunday Run Club"]])


class UserRefIn(BaseModel):
    user_id: uuid.UUID


class FriendRequestOut(BaseModel):
    id: uuid.UUID
    direction: Literal["incoming", "outgoing"]
    status: Literal["pending", "accepted", "declined", "cancelled"]
    created_at: datetime
    person: PersonCardOut


class FriendRequestSentOut(BaseModel):
    request_id: uuid.UUID
    status: Literal["pending", "accepted"]
    became_friends: bool = Field(description="True when they had already asked you: you are friends now")


class FollowOut(BaseModel):
    user_id: uuid.UUID
    status: Literal["active", "pending"] = Field(description="pending: a private profile must approve")


class CountsOut(BaseModel):
    friends: int
    followers: int
    following: int
    events_hosted: int | None = None
    events_attended: int | None = None


class RelationshipOut(BaseModel):
    is_self: bool
    friend: bool
    request_sent: bool
    request_received: bool
    following: bool
    follow_requested: bool
    followed_by: bool
    blocked: bool
    muted: bool


class MutualFriendsOut(BaseModel):
    count: int
    first: list[PersonCardOut]


class PublicProfileOut(BaseModel):
    """Fields the person's privacy hides are absent (not null, not empty)."""

    id: uuid.UUID
    name: str | None
    handle: str | None
    picture: str | None
    pictures: list[str]
    counts: CountsOut
    relationship: RelationshipOut | None = Field(None, description="Only when signed in")
    bio: str | None = None
    interests: list[InterestOut] | None = None
    city: str | None = None
    cover_url: str | None = None
    links: list[str] | None = None
    upcoming_events: list[dict[str, Any]] | None = Field(None, description="Upcoming public events they host")
    going_to: list[dict[str, Any]] | None = Field(None, description="Upcoming public events they are going to")
    mutual_friends: MutualFriendsOut | None = None
    redirected_from: str | None = Field(None, description="The old handle asked for (it now redirects here)")


class PrivacyOut(BaseModel):
    profile_visibility: Literal["public", "private"]
    friend_requests_from: Literal["everyone", "friends_of_friends", "nobody"]
    friends_list_visible_to: Audience
    events_visible_to: Audience
    presence_visible_to: Audience
    show_in_search: bool
    findable_by_phone: bool


class PrivacyIn(BaseModel):
    """Only the fields sent are changed."""

    profile_visibility: Literal["public", "private"] | None = None
    friend_requests_from: Literal["everyone", "friends_of_friends", "nobody"] | None = None
    friends_list_visible_to: Audience | None = None
    events_visible_to: Audience | None = None
    presence_visible_to: Audience | None = None
    show_in_search: bool | None = None
    findable_by_phone: bool | None = None


class HandleIn(BaseModel):
    handle: str = Field(min_length=1, max_length=31, examples=["asha.runs"])


class HandleCheckOut(BaseModel):
    handle: str
    available: bool
    problem: str | None


class SocialProfileIn(BaseModel):
    """Only the fields sent are changed."""

    city: str | None = Field(None, max_length=100)
    cover_url: str | None = Field(None, max_length=1000, pattern=r"^(https?://\S+)?$")
    cover_media_id: uuid.UUID | None = Field(
        None, description="An image uploaded with POST /api/v2/media (re-encoded, no metadata); null removes the cover."
    )
    links: list[str] | None = Field(None, max_length=5)


class SocialProfileOut(BaseModel):
    handle: str | None
    handle_changed_at: datetime | None
    city: str | None
    cover_url: str | None
    links: list[str]


class ReportIn(BaseModel):
    user_id: uuid.UUID | None = Field(
        None,
        description="The person reported; for a post, comment, story or album photo it may be left out "
        "(the author is reported) and, when sent, must be the author",
    )
    category: Literal["spam", "harassment", "impersonation", "underage", "other"]
    note: str = Field("", max_length=2000)
    target_type: Literal["user", "post", "comment", "story", "album_photo", "message", "event", "listing"] = "user"
    target_id: str = Field(
        "", max_length=64, description="The id of the post, comment, story or album photo (one you can see)"
    )


class ReportOut(BaseModel):
    id: uuid.UUID
    category: str
    target_type: str
    status: str
    created_at: datetime
