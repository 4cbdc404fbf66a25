from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from loopin.media.models import MediaKind, MediaStatus


class MediaSizeOut(BaseModel):
    url: str
    width: int
    height: int


class MediaOut(BaseModel):
    """An upload as every answer embeds it: paint `blurhash` at `width`x`height`, then load a size."""

    id: uuid.UUID
    kind: MediaKind
    status: MediaStatus
    width: int | None = Field(description="Pixels of the picture (the video's frame, as shown)")
    height: int | None
    blurhash: str = Field(description="Placeholder to paint before the picture arrives (blurha.sh)")
    url: str | None = Field(description="A picture's large size")
    sizes: dict[str, MediaSizeOut] = Field(
        description="large (1080 px), medium (640 px), thumb (150 px); a video's poster"
    )
    video_url: str | None = Field(description="A video's MP4 (H.264/AAC); range requests work")
    duration_seconds: float | None
    error: str | None = Field(description="Why processing failed (status failed)")


class UploadStartIn(BaseModel):
    content_type: str = Field(max_length=64, examples=["image/jpeg", "video/mp4"])
    size_bytes: int = Field(ge=1, le=10**10)


class DirectUploadOut(BaseModel):
    url: str = Field(description="POST the form here (multipart: every field, then `file` last)")
    fields: dict[str, str]
    expires_in: int


class UploadStartOut(BaseModel):
    media: MediaOut
    upload: DirectUploadOut
