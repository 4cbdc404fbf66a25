"""Media services: take an upload (multipart or direct-to-bucket), make its files, hand it to other domains.

Heavy work (decoding, encoding, FFmpeg) happens outside any transaction; rows are written once the files
exist, and files are deleted again when the write fails."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, BinaryIO

import structlog
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from loopin.core.errors import Conflict, NotFound, ValidationFailed
from loopin.core.settings import get_settings
from loopin.media import images, storage, video
from loopin.media.error_codes import MediaErrorCode
from loopin.media.models import Media, MediaKind, MediaStatus

if TYPE_CHECKING:
    from loopin.accounts.models import User

log = structlog.get_logger("loopin.media")

IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}
VIDEO_TYPES = {"video/mp4", "video/quicktime", "video/webm", "video/x-matroska", "video/3gpp"}
SOURCE_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "video/x-matroska": "mkv",
    "video/3gpp": "3gp",
}


def _kind_of(content_type: str, path: str) -> str:
    base = (content_type or "").split(";")[0].strip().lower()
    if base.startswith("image/"):
        return MediaKind.IMAGE
    if base.startswith("video/"):
        return MediaKind.VIDEO
    try:  # a client that says application/octet-stream: look at the bytes
        with Image.open(path):
            return MediaKind.IMAGE
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return MediaKind.VIDEO


def _max_bytes(kind: str) -> int:
    s = get_settings()
    return s.MEDIA_IMAGE_MAX_BYTES if kind == MediaKind.IMAGE else s.MEDIA_VIDEO_MAX_BYTES


def _too_large(kind: str) -> ValidationFailed:
    limit = _max_bytes(kind) // (1024 * 1024)
    noun = "picture" if kind == MediaKind.IMAGE else "video"
    return ValidationFailed.one("file", f"{kind.upper()}_TOO_LARGE", f"A {noun} may be at most {limit} MB.")


# ---------------------------------------------------------------- uploads


def media_upload(*, owner: User, handle: BinaryIO, content_type: str) -> Media:
    """A picture or video sent to us (multipart): processed now (long clips that need transcoding: by the
    worker), returned ready (or processing)."""
    media = Media(id=uuid.uuid4(), owner=owner, content_type=(content_type or "")[:64])
    with storage.scratch_dir() as folder:
        path = os.path.join(folder, "upload")
        limit = max(get_settings().MEDIA_IMAGE_MAX_BYTES, get_settings().MEDIA_VIDEO_MAX_BYTES)
        size = storage.copy_to(handle, path, limit=limit)
        if size == 0:
            raise ValidationFailed.one("file", "EMPTY_FILE", "The file is empty.")
        media.kind = _kind_of(content_type, path)
        if size > _max_bytes(media.kind):
            raise _too_large(media.kind)
        media.size_bytes = size
        return _ingest(media, path, folder)


def media_upload_start(*, owner: User, content_type: str, size_bytes: int) -> tuple[Media, dict[str, Any]]:
    """A presigned form for a direct upload into the bucket; the phone then calls confirm."""
    if not storage.uses_s3():
        raise Conflict(
            "Direct uploads need S3 storage; send the file to POST /api/v2/media instead.",
            code=MediaErrorCode.DIRECT_UPLOAD_UNAVAILABLE,
        )
    base = content_type.split(";")[0].strip().lower()
    if base not in IMAGE_TYPES | VIDEO_TYPES:
        raise ValidationFailed.one(
            "content_type", "UNSUPPORTED_MEDIA_TYPE", "Send a JPEG, PNG or WebP picture or an MP4, MOV or WebM video."
        )
    kind = MediaKind.IMAGE if base in IMAGE_TYPES else MediaKind.VIDEO
    if size_bytes > _max_bytes(kind):
        raise _too_large(kind)
    media = Media(
        id=uuid.uuid4(), owner=owner, kind=kind, status=MediaStatus.AWAITING_UPLOAD, content_type=base, size_bytes=0
    )
    media.source_name = f"{storage.media_prefix(media)}/source.{SOURCE_EXTENSIONS[base]}"
    expires = get_settings().MEDIA_UPLOAD_URL_SECONDS
    form = storage.presigned_post(media.source_name, content_type=base, max_bytes=_max_bytes(kind), expires=expires)
    media.save()
    return media, {"url": form["url"], "fields": form["fields"], "expires_in": expires}


def media_upload_confirm(*, owner: User, media_id: uuid.UUID) -> Media:
    """The phone says its direct upload is in the bucket: fetch it and process it like a multipart upload."""
    media = Media.objects.filter(id=media_id, owner=owner).first()
    if media is None:
        raise NotFound("No such upload.", code=MediaErrorCode.MEDIA_NOT_FOUND)
    if media.status != MediaStatus.AWAITING_UPLOAD:
        return media  # confirmed already: the same answer again
    from django.core.files.storage import default_storage

    if not default_storage.exists(media.source_name):
        raise Conflict(
            "The file has not arrived in storage yet; upload it, then confirm.", code=MediaErrorCode.UPLOAD_MISSING
        )
    source = media.source_name
    with storage.scratch_dir() as folder:
        path = os.path.join(folder, "upload")
        size = storage.fetch_to(source, path, limit=_max_bytes(media.kind))
        if size > _max_bytes(media.kind):
            storage.files_delete([source])
            Media.objects.filter(id=media.id).delete()
            raise _too_large(media.kind)
        media.size_bytes = size
        try:
            result = _ingest(media, path, folder)
        except ValidationFailed:
            storage.files_delete([source])
            Media.objects.filter(id=media.id).delete()
            raise
    if result.source_name != source:
        storage.files_delete([source])  # processed: the raw upload (with its metadata) goes
    return result


def _ingest(media: Media, path: str, folder: str) -> Media:
    if media.kind == MediaKind.IMAGE:
        with open(path, "rb") as handle:
            content = handle.read()
        rendered = images.image_render(content, field="file", max_bytes=get_settings().MEDIA_IMAGE_MAX_BYTES)
        names = _store_image(media, rendered)
        media.width, media.height, media.blurhash = rendered.width, rendered.height, rendered.blurhash
        media.variants = names
        media.source_name = ""
        media.status = MediaStatus.READY
        return _write(media)
    return _ingest_video(media, path, folder)


def _ingest_video(media: Media, path: str, folder: str) -> Media:
    s = get_settings()
    probe = video.video_probe(path)
    if probe.duration_ms > s.MEDIA_VIDEO_MAX_SECONDS * 1000:
        raise ValidationFailed.one(
            "file", "VIDEO_TOO_LONG", f"A video may be at most {s.MEDIA_VIDEO_MAX_SECONDS} seconds long."
        )
    media.probe = probe.as_dict()
    media.duration_ms = probe.duration_ms
    if probe.needs_transcode and not s.celery_eager:
        # The worker transcodes it: keep the raw file in storage until then.
        if media.status != MediaStatus.AWAITING_UPLOAD or not media.source_name:
            media.source_name = storage.file_save_path(f"{storage.media_prefix(media)}/source", path)
        media.status = MediaStatus.PROCESSING
        media = _write(media)
        from loopin.media.tasks import process_video

        transaction.on_commit(lambda: process_video.delay(str(media.id)))
        return media
    if probe.needs_transcode and probe.duration_ms > s.MEDIA_INLINE_TRANSCODE_MAX_SECONDS * 1000:
        raise ValidationFailed.one(
            "file",
            "VIDEO_NEEDS_TRANSCODING",
            f"Without a worker only clips up to {s.MEDIA_INLINE_TRANSCODE_MAX_SECONDS} seconds can be converted; "
            "send an MP4 (H.264/AAC) or a shorter clip.",
        )
    _finish_video(media, path, folder, probe)
    media.source_name = ""
    return _write(media)


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


# ---------------------------------------------------------------- for other domains


def media_claim(
    *, owner: User, media_ids: Iterable[uuid.UUID], kinds: set[str], field: str = "media_ids"
) -> list[Media]:
    """Inside the caller's transaction: the caller's own usable uploads, in the order given, marked attached."""
    ids = list(dict.fromkeys(media_ids))
    found = {m.id: m for m in Media.objects.select_for_update().filter(id__in=ids, owner=owner)}
    problems = []
    for i, media_id in enumerate(ids):
        media = found.get(media_id)
        if media is None:
            problems.append(
                {"field": f"{field}[{i}]", "code": "MEDIA_NOT_FOUND", "message": "No such upload of yours."}
            )
        elif media.kind not in kinds:
            problems.append(
                {"field": f"{field}[{i}]", "code": "MEDIA_KIND", "message": f"This takes {' or '.join(sorted(kinds))}."}
            )
        elif media.status not in (MediaStatus.READY, MediaStatus.PROCESSING):
            problems.append(
                {"field": f"{field}[{i}]", "code": "MEDIA_NOT_READY", "message": "This upload is not usable."}
            )
    if problems:
        raise ValidationFailed(problems)
    now = timezone.now()
    Media.objects.filter(id__in=ids, attached_at__isnull=True).update(attached_at=now)
    return [found[i] for i in ids]


def media_erase(*, media_ids: Iterable[uuid.UUID]) -> int:
    """Delete uploads and (after commit) their files; for soft-deleted posts, expired stories, takedowns."""
    rows = list(Media.objects.filter(id__in=list(media_ids)))
    names = [n for m in rows for n in m.file_names()]
    Media.objects.filter(id__in=[m.id for m in rows]).delete()
    transaction.on_commit(lambda: storage.files_delete(names))
    return len(rows)


def media_delete(*, owner: User, media_id: uuid.UUID) -> None:
    """The owner drops an upload nothing uses yet."""
    with transaction.atomic():
        media = Media.objects.select_for_update().filter(id=media_id, owner=owner).first()
        if media is None:
            raise NotFound("No such upload.", code=MediaErrorCode.MEDIA_NOT_FOUND)
        if media.attached_at is not None:
            raise Conflict("This upload is in use; delete the post or story instead.", code=MediaErrorCode.MEDIA_IN_USE)
        media_erase(media_ids=[media.id])


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
