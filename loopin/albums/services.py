"""Event albums: who may add and see photos, the host's visibility switch, removal."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction

from loopin.accounts.models import User
from loopin.albums.error_codes import AlbumErrorCode
from loopin.albums.models import AlbumPhoto, AlbumSettings
from loopin.albums.selectors import album_event_alive
from loopin.core.errors import NotFound, PermissionDenied
from loopin.events.models import Event
from loopin.events.selectors.access import holds_host_power
from loopin.media.models import MediaKind
from loopin.media.services import media_claim, media_erase
from loopin.people.moderation import ensure_can_post
from loopin.tickets.models import Ticket

MAX_PER_REQUEST = 10


def _checked_in(user: User, event: Event) -> bool:
    return Ticket.objects.filter(event=event, user=user, checked_in_at__isnull=False).exists()


def album_add(*, author: User, event_id: uuid.UUID, media_ids: list[uuid.UUID]) -> list[AlbumPhoto]:
    """The host (an organisation's members whose role allows `message`), or an attendee who was checked in, adds
    pictures (during or after the event)."""
    ensure_can_post(author)
    event = album_event_alive(event_id)
    if not holds_host_power(author, event, "message") and not _checked_in(author, event):
        raise PermissionDenied(
            "Only the host and attendees who were checked in can add photos.", code=AlbumErrorCode.NOT_CHECKED_IN
        )
    with transaction.atomic():
        media = media_claim(owner=author, media_ids=media_ids[:MAX_PER_REQUEST], kinds={MediaKind.IMAGE})
        return AlbumPhoto.objects.bulk_create([AlbumPhoto(event=event, author=author, media=m) for m in media])


def album_set_public(*, host: User, event_id: uuid.UUID, is_public: bool) -> AlbumSettings:
    """The host (an organisation's members whose role allows `change`) opens the album to everyone or closes it."""
    event = album_event_alive(event_id)
    if not holds_host_power(host, event, "change"):
        raise PermissionDenied("Only the host can change the album.", code=AlbumErrorCode.NOT_PHOTO_OWNER)
    settings, _ = AlbumSettings.objects.update_or_create(event=event, defaults={"is_public": is_public})
    return settings


def album_remove(*, actor: User, event_id: uuid.UUID, photo_id: uuid.UUID) -> None:
    """The host (an organisation's members whose role allows `message`) removes any photo; an author their own."""
    with transaction.atomic():
        photo = AlbumPhoto.objects.select_related("event").filter(id=photo_id, event_id=event_id).first()
        if photo is None:
            raise NotFound("No such photo.", code=AlbumErrorCode.PHOTO_NOT_FOUND)
        if actor.id != photo.author_id and not holds_host_power(actor, photo.event, "message"):
            raise PermissionDenied("Only the host or the author can remove it.", code=AlbumErrorCode.NOT_PHOTO_OWNER)
        album_photo_remove(photo=photo)


def album_photo_remove(*, photo: AlbumPhoto) -> None:
    """Inside a transaction: the photo and its media files go (the host's or author's removal, a takedown)."""
    media_id = photo.media_id
    AlbumPhoto.objects.filter(id=photo.id).delete()
    media_erase(media_ids=[media_id])


def album_erase_for(user: User) -> None:
    photos = list(AlbumPhoto.objects.filter(author=user))
    AlbumPhoto.objects.filter(id__in=[p.id for p in photos]).delete()
    media_erase(media_ids=[p.media_id for p in photos])


def album_export_for(user: User) -> list[dict[str, Any]]:
    return [
        {"id": str(p.id), "event_id": str(p.event_id), "created_at": p.created_at.isoformat()}
        for p in AlbumPhoto.objects.filter(author=user)
    ]
