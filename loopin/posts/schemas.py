from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

from loopin.media.schemas import MediaOut
from loopin.posts.models import PostVisibility

T = TypeVar("T")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise PydanticCustomError("control_character", "Text may not contain control characters.")
    return value


HumanText = Annotated[str, AfterValidator(_no_control)]


class PersonOut(BaseModel):
    id: uuid.UUID
    name: str
    picture: str | None = None


class TaggedOut(BaseModel):
    id: uuid.UUID
    name: str


class EventTagOut(BaseModel):
    id: uuid.UUID
    title: str


class PostIn(BaseModel):
    text: HumanText = Field(default="", max_length=2200)
    media_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=10, description="Up to 10 pictures or one video"
    )
    visibility: PostVisibility = PostVisibility.PUBLIC
    event_id: uuid.UUID | None = Field(default=None, description='"at ..." an event')
    tagged_user_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)


class PostEditIn(BaseModel):
    text: HumanText = Field(max_length=2200)


class PostOut(BaseModel):
    id: uuid.UUID
    author: PersonOut
    text: str
    visibility: PostVisibility
    event: EventTagOut | None
    media: list[MediaOut]
    tags: list[TaggedOut]
    like_count: int
    comment_count: int
    liked_by_me: bool
    is_reel: bool
    created_at: datetime
    edited_at: datetime | None
    can_edit: bool


class CommentIn(BaseModel):
    text: HumanText = Field(min_length=1, max_length=1000)
    parent_id: uuid.UUID | None = Field(default=None, description="Reply to this comment")


class ShareIn(BaseModel):
    user_id: uuid.UUID = Field(description="The friend to send it to (in our 1:1 conversation)")
    text: HumanText = Field("", max_length=4000, description="An optional line with it")
    client_message_id: str = Field("", max_length=64, description="Retry with the same id: one message")


class ReplyOut(BaseModel):
    id: uuid.UUID
    author: PersonOut
    text: str
    created_at: datetime


class CommentOut(ReplyOut):
    replies: list[ReplyOut] = []


class CursorMeta(BaseModel):
    limit: int
    next_cursor: str | None = Field(description="Pass as `before` for the next page; null at the end")


class CursorEnvelope(BaseModel, Generic[T]):
    success: bool = True
    message: str
    data: list[T]
    meta: CursorMeta
