"""Album photos in the moderation queue (registered with loopin.people.moderation): a report names a photo in
an album the reporter can see; a takedown removes it with its media, like the host's removal."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse

from loopin.albums import selectors, services
from loopin.albums.error_codes import AlbumErrorCode
from loopin.albums.models import AlbumPhoto
from loopin.core.errors import NotFound
from loopin.people.models import ReportTarget
from loopin.people.moderation import ContentKind, ContentView, register_content

if TYPE_CHECKING:
    from loopin.accounts.models import User


def _find(viewer: User, photo_id: uuid.UUID) -> uuid.UUID:
    photo = AlbumPhoto.objects.filter(id=photo_id).first()
    if photo is None:
        raise NotFound("No such photo.", code=AlbumErrorCode.PHOTO_NOT_FOUND)
    selectors.album_event(viewer=viewer, event_id=photo.event_id)  # 404 ALBUM_NOT_FOUND for an album not seen
    return photo.author_id


def _show(photo_id: uuid.UUID) -> ContentView | None:
    photo = AlbumPhoto.objects.select_related("media", "event").filter(id=photo_id).first()
    if photo is None:
        return None
    return ContentView(
        label="Album photo",
        author_id=photo.author_id,
        text=f"In the album of {photo.event.title}",
        media=[photo.media],
        admin_url=reverse("admin:albums_albumphoto_change", args=[photo.id]),
    )


def _take_down(photo_id: uuid.UUID) -> bool:
    with transaction.atomic():
        photo = AlbumPhoto.objects.select_for_update().filter(id=photo_id).first()
        if photo is None:
            return False
        services.album_photo_remove(photo=photo)
    return True


def register() -> None:
    register_content(ReportTarget.ALBUM_PHOTO, ContentKind("Album photo", _find, _show, _take_down))
