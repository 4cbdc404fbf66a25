"""Cover images of an event: uploaded files or external URLs."""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import NotFound, ValidationFailed
from loopin.core.images import image_clean
from loopin.core.models import stamp
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import (
    Event,
    EventImage,
)
from loopin.events.selectors.access import event_for
from loopin.events.services.access import ensure_can_manage_and_audit

MAX_COVER_IMAGES = 3


def _set_cover_urls(event: Event, urls: list[str]) -> None:
    old_files = [i.image.name for i in event.images.all() if i.image.name]
    event.images.all().delete()
    EventImage.objects.bulk_create([EventImage(event=event, position=i, url=u) for i, u in enumerate(urls)])

    def delete_old_files() -> None:
        for name in old_files:
            default_storage.delete(name)

    transaction.on_commit(delete_old_files)


def event_add_cover_images(*, actor: User, event_id: uuid.UUID, uploads: list[tuple[str, bytes]]) -> Event:
    """Upload cover images (JPEG/PNG/WebP, <= 5 MB each, at most 3 per event)."""
    cleaned = [image_clean(content, field=f"images[{i}]") for i, (_, content) in enumerate(uploads)]
    with transaction.atomic():
        event = event_for(actor, event_id, lock=True)
        ensure_can_manage_and_audit(actor, event)
        existing = event.images.count()
        if existing + len(uploads) > MAX_COVER_IMAGES:
            raise ValidationFailed.one(
                "images", "TOO_MANY_IMAGES", f"An event has at most {MAX_COVER_IMAGES} cover images; it has {existing}."
            )
        stored: list[str] = []
        try:
            for i, clean in enumerate(cleaned):
                name = f"event-covers/{event.id}/{uuid.uuid4().hex}.{clean.extension}"
                name = default_storage.save(name, ContentFile(clean.content))
                stored.append(name)
                EventImage.objects.create(event=event, position=existing + i, image=name)
        except Exception:
            for name in stored:
                default_storage.delete(name)
            raise
        event.save(update_fields=["updated_at", *stamp(event, actor, "update")])
        audit_record(action="event.images_added", actor=actor, obj=event, data={"count": len(uploads)})
    return event


def event_remove_cover_image(*, actor: User, event_id: uuid.UUID, image_id: uuid.UUID) -> None:
    with transaction.atomic():
        event = event_for(actor, event_id, lock=True)
        ensure_can_manage_and_audit(actor, event)
        image = EventImage.objects.filter(id=image_id, event=event).first()
        if image is None:
            raise NotFound("No such cover image.", code=EventErrorCode.IMAGE_NOT_FOUND)
        name = image.image.name if image.image else ""
        image.delete()
        if name:
            transaction.on_commit(lambda: default_storage.delete(name))
        event.save(update_fields=["updated_at", *stamp(event, actor, "update")])
        audit_record(action="event.image_removed", actor=actor, obj=event)
