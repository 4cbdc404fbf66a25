from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from loopin.media.schemas import MediaOut
from loopin.posts.schemas import HumanText, PersonOut
from loopin.stories.models import StoryAudience


class StoryIn(BaseModel):
    media_id: uuid.UUID = Field(description="A picture or video from POST /api/v2/media")
    audience: StoryAudience = StoryAudience.FRIENDS


class StoryReplyIn(BaseModel):
    text: HumanText = Field(min_length=1, max_length=4000)
    client_message_id: str = Field("", max_length=64, description="Retry with the same id: one message")


class StoryOut(BaseModel):
    id: uuid.UUID
    media: MediaOut
    audience: StoryAudience
    created_at: datetime
    expires_at: datetime
    seen: bool


class RingOut(BaseModel):
    author: PersonOut
    is_mine: bool
    has_unseen: bool
    latest_at: datetime
    stories: list[StoryOut]


class ViewerOut(BaseModel):
    viewer: PersonOut
    viewed_at: datetime


class CloseFriendsIn(BaseModel):
    user_ids: list[uuid.UUID] = Field(max_length=500)
