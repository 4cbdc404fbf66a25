"""Reading media: one upload for its owner, and the API shape every domain embeds."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from loopin.core.errors import NotFound
from loopin.media.error_codes import MediaErrorCode
from loopin.media.models import Media, MediaKind
from loopin.media.storage import file_url

if TYPE_CHECKING:
    from loopin.accounts.models import User

SIZE_NAMES = {"1080": "large", "640": "medium", "150": "thumb"}


def media_get(*, owner: User, media_id: uuid.UUID) -> Media:
    media = Media.objects.filter(id=media_id, owner=owner).first()
    if media is None:
        raise NotFound("No such upload.", code=MediaErrorCode.MEDIA_NOT_FOUND)
    return media


def media_data(media: Media) -> dict[str, Any]:
    """What the app needs to paint it: sizes with their URLs, width, height, blurhash (and the video)."""
    sizes = {
        SIZE_NAMES[key]: {"url": file_url(v["name"]), "width": v["width"], "height": v["height"]}
        for key, v in media.variants.items()
        if key in SIZE_NAMES
    }
    clip = media.variants.get("video")
    return {
        "id": media.id,
        "kind": media.kind,
        "status": media.status,
        "width": media.width,
        "height": media.height,
        "blurhash": media.blurhash,
        "url": sizes.get("large", {}).get("url") if media.kind == MediaKind.IMAGE else None,
        "sizes": sizes,
        "video_url": file_url(clip["name"]) if clip else None,
        "duration_seconds": round(media.duration_ms / 1000, 3) if media.duration_ms is not None else None,
        "error": media.error or None,
    }
