"""Rooms' payloads: what the rooms endpoints take and answer."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RoleName = Literal["host", "moderator", "speaker", "audience"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoomCreateIn(_In):
    title: str = Field(min_length=1, max_length=120)
    topic: str = Field("", max_length=500)
    interest_ids: list[int] = Field(default_factory=list, max_length=5)
    event_id: uuid.UUID | None = Field(None, description="Only the event's host and its ticket holders may join")
    starts_at: datetime | None = Field(None, description="Schedule it (the host starts it); empty: live now")


class HandIn(_In):
    raised: bool


class MuteIn(_In):
    muted: bool


class TransferIn(_In):
    user_id: uuid.UUID


class MemberAction(StrEnum):
    """What a host or moderator does to someone in the room (docs/ROOMS.md: who may do what to whom)."""

    INVITE_TO_STAGE = "invite-to-stage"
    MOVE_TO_AUDIENCE = "move-to-audience"
    MAKE_MODERATOR = "make-moderator"
    MAKE_HOST = "make-host"
    MUTE = "mute"
    LOWER_HAND = "lower-hand"
    REMOVE = "remove"
    BAN = "ban"

    @property
    def rule(self) -> str:
        return self.value.replace("-", "_")


class PersonOut(BaseModel):
    id: uuid.UUID
    name: str


class InterestOut(BaseModel):
    id: int
    name: str


class MemberOut(BaseModel):
    user: PersonOut
    role: RoleName
    hand_raised: bool
    hand_raised_at: datetime | None
    muted: bool
    joined_at: datetime
    media_connected: bool = Field(description="LiveKit says they are connected to the room's audio")


class RoomOut(BaseModel):
    id: uuid.UUID
    title: str
    topic: str
    interests: list[InterestOut]
    event_id: uuid.UUID | None
    state: Literal["scheduled", "live", "ended"]
    end_reason: str | None
    starts_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    max_speakers: int
    created_by: PersonOut | None
    listeners: int | None = Field(description="People in the room now")
    friends_here: int | None = Field(description="Your friends in the room now (discovery only)")
    stage: list[MemberOut] | None = Field(description="Who is on stage (first few; discovery only)")


class RoomDetailOut(RoomOut):
    members: list[MemberOut] = Field(description="Everyone in the room: stage, raised hands, audience")
    me: MemberOut | None = Field(description="Your place in the room; null if you are not in it")


class MediaOut(BaseModel):
    url: str = Field(description="LiveKit's WebSocket URL: pass to Room.connect(url, token)")
    token: str = Field(description="A LiveKit access token with the grants of your role")
    expires_at: datetime
    room: str = Field(description="The LiveKit room's name")


class SessionOut(BaseModel):
    room_id: uuid.UUID
    me: MemberOut
    media: MediaOut


class WebhookOut(BaseModel):
    event: str
    applied: bool = Field(description="false: already applied (a redelivery) or nothing to do")
