"""Reading an album: its photos newest first, a fixed number of queries per page."""

from __future__ import annotations

import uuid
from typing import Any

from loopin.accounts.models import User
from loopin.albums.error_codes import AlbumErrorCode
from loopin.albums.models import AlbumPhoto, AlbumSettings
from loopin.core.errors import NotFound
from loopin.events.models import Event
from loopin.events.selectors.access import holds_host_power
from loopin.events.selectors.blocks import blocked_with_host
from loopin.media.selectors import media_data
from loopin.people import selectors as people
from loopin.tickets.models import Ticket


def album_event_alive(event_id: uuid.UUID) -> Event:
    """The album's event, if not deleted (404 ALBUM_NOT_FOUND otherwise)."""
    event: Event | None = Event.objects.alive().filter(id=event_id).first()
    if event is None:
        raise NotFound("No such album.", code=AlbumErrorCode.ALBUM_NOT_FOUND)
    return event


def _attendee(user: User, event: Event) -> bool:
    return Ticket.objects.filter(event=event, user=user).exists()


def album_event(*, viewer: User, event_id: uuid.UUID) -> Event:
    """The event whose album the viewer may see (host, attendees, or anyone when the host made it public); an
    organisation's event's album is its members' too."""
    event = album_event_alive(event_id)
    if holds_host_power(viewer, event, "view"):
        return event
    if blocked_with_host(viewer, event):
        raise NotFound("No such album.", code=AlbumErrorCode.ALBUM_NOT_FOUND)
    public = AlbumSettings.objects.filter(event=event, is_public=True).exists()
    if public or _attendee(viewer, event):
        return event
    raise NotFound("No such album.", code=AlbumErrorCode.ALBUM_NOT_FOUND)


def album_photos(*, viewer: User, event_id: uuid.UUID, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    event = album_event(viewer=viewer, event_id=event_id)
    photos = AlbumPhoto.objects.filter(event=event).exclude(author_id__in=people.blocked_ids(viewer))
    page = photos.select_related("author", "media").order_by("-created_at")[offset : offset + limit]
    is_host = holds_host_power(viewer, event, "message")
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
