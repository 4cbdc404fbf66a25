"""Reading an album: its photos newest first, a fixed number of queries per page."""

from __future__ import annotations

import uuid
from typing import Any

from loopin.accounts.models import User
from loopin.albums.models import AlbumPhoto, AlbumSettings
from loopin.albums.services import album_event
from loopin.media.selectors import media_data
from loopin.people import selectors as people


def album_photos(*, viewer: User, event_id: uuid.UUID, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    event = album_event(viewer=viewer, event_id=event_id)
    photos = AlbumPhoto.objects.filter(event=event).exclude(author_id__in=people.blocked_ids(viewer))
    page = photos.select_related("author", "media").order_by("-created_at")[offset : offset + limit]
    is_host = event.host_id == viewer.id
    items = [
        {
            "id": p.id,
            "author": {"id": p.author.id, "name": p.author.name},
            "media": media_data(p.media),
            "created_at": p.created_at,
            "can_remove": is_host or p.author_id == viewer.id,
        }
        for p in page
    ]
    return items, photos.count()


def album_is_public(event_id: uuid.UUID) -> bool:
    return AlbumSettings.objects.filter(event_id=event_id, is_public=True).exists()
