from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from loopin.media.schemas import MediaOut
from loopin.posts.schemas import TaggedOut


class AlbumAddIn(BaseModel):
    media_ids: list[uuid.UUID] = Field(min_length=1, max_length=10, description="Pictures from POST /api/v2/media")


class AlbumSettingsIn(BaseModel):
    is_public: bool


class AlbumSettingsOut(BaseModel):
    is_public: bool


class AlbumPhotoOut(BaseModel):
    id: uuid.UUID
    author: TaggedOut
    media: MediaOut
    created_at: datetime
    can_remove: bool
