"""The worker's halves of media: a video that needed transcoding, and uploads nothing took; the file
writes (and their clean-up when a row write fails) that uploads share with them."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import structlog
from django.db import transaction
from django.utils import timezone

from loopin.core.errors import ValidationFailed
from loopin.core.settings import get_settings
from loopin.media import images, storage, video
from loopin.media.models import Media, MediaStatus

log = structlog.get_logger("loopin.media")


def _finish_video(media: Media, path: str, folder: str, probe: video.Probe) -> None:
    """Make the clean MP4 and the poster sizes from a local file; sets the media's fields (not saved)."""
    target = os.path.join(folder, "video.mp4")
    if probe.needs_transcode:
        width, height = video.video_transcode(path, target, probe)
    else:
        video.video_remux(path, target)
        width, height = probe.width, probe.height
    poster = images.image_render_pixels(video.video_poster(target, probe.rotation))
    if probe.rotation in (90, 270) and not probe.needs_transcode:
        width, height = height, width
    names = _store_image(media, poster)
    try:
        names["video"] = {
            "name": storage.file_save_path(f"{storage.media_prefix(media)}/video.mp4", target),
            "width": width,
            "height": height,
            "bytes": os.path.getsize(target),
        }
    except Exception:
        storage.files_delete([v["name"] for v in names.values()])
        raise
    media.variants = names
    media.width, media.height, media.blurhash = width, height, poster.blurhash
    media.status = MediaStatus.READY


def _store_image(media: Media, rendered: images.RenderedImage) -> dict[str, Any]:
    names: dict[str, Any] = {}
    try:
        for r in rendered.renditions:
            name = storage.file_save(f"{storage.media_prefix(media)}/{r.size}.{images.EXTENSION}", r.content)
            names[str(r.size)] = {"name": name, "width": r.width, "height": r.height}
    except Exception:
        storage.files_delete([v["name"] for v in names.values()])
        raise
    return names


def _write(media: Media) -> Media:
    try:
        media.save()
    except Exception:
        storage.files_delete([v["name"] for v in media.variants.values() if isinstance(v, dict)])
        raise
    return media


def media_process_video(*, media_id: uuid.UUID | str) -> str:
    """The worker's half of a video that needed transcoding (idempotent: anything not processing is skipped)."""
    media = Media.objects.filter(id=media_id, status=MediaStatus.PROCESSING).first()
    if media is None:
        return "skipped"
    source = media.source_name
    with storage.scratch_dir() as folder:
        path = os.path.join(folder, "upload")
        storage.fetch_to(source, path, limit=get_settings().MEDIA_VIDEO_MAX_BYTES)
        try:
            probe = video.video_probe(path)
            _finish_video(media, path, folder, probe)
        except ValidationFailed as exc:
            Media.objects.filter(id=media.id).update(status=MediaStatus.FAILED, error=exc.message[:300])
            return "failed"
    media.source_name = ""
    updated = Media.objects.filter(id=media.id, status=MediaStatus.PROCESSING).update(
        status=MediaStatus.READY,
        variants=media.variants,
        width=media.width,
        height=media.height,
        blurhash=media.blurhash,
        source_name="",
        updated_at=timezone.now(),
    )
    if not updated:  # deleted meanwhile: its new files go too
        storage.files_delete([v["name"] for v in media.variants.values()])
        return "gone"
    storage.files_delete([source])
    return "ready"


def media_erase(*, media_ids: Iterable[uuid.UUID]) -> int:
    """Delete uploads and (after commit) their files; for soft-deleted posts, expired stories, takedowns."""
    rows = list(Media.objects.filter(id__in=list(media_ids)))
    names = [n for m in rows for n in m.file_names()]
    Media.objects.filter(id__in=[m.id for m in rows]).delete()
    transaction.on_commit(lambda: storage.files_delete(names))
    return len(rows)


def media_delete_orphans() -> int:
    """Uploads never attached within MEDIA_ORPHAN_HOURS, and their files (beat: hourly)."""
    cutoff = timezone.now() - timedelta(hours=get_settings().MEDIA_ORPHAN_HOURS)
    ids = list(
        Media.objects.filter(attached_at__isnull=True, created_at__lt=cutoff).values_list("id", flat=True)[:1000]
    )
    with transaction.atomic():
        count = media_erase(media_ids=ids)
    if count:
        log.info("media_orphans_deleted", count=count)
    return count
