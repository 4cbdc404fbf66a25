"""Media services: take an upload (multipart or direct-to-bucket), make its files, hand it to other domains.

Heavy work (decoding, encoding, FFmpeg) happens outside any transaction; rows are written once the files
exist, and files are deleted again when the write fails."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, BinaryIO

import structlog
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from loopin.core.errors import Conflict, NotFound, ValidationFailed
from loopin.core.settings import get_settings
from loopin.media import images, storage, tasks, video
from loopin.media.error_codes import MediaErrorCode
from loopin.media.models import Media, MediaKind, MediaStatus
from loopin.media.worker import _finish_video, _store_image, _write
from loopin.media.worker import media_erase as media_erase  # other domains call it from here

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
        transaction.on_commit(lambda: tasks.process_video.delay(str(media.id)))
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


def media_delete(*, owner: User, media_id: uuid.UUID) -> None:
    """The owner drops an upload nothing uses yet."""
    with transaction.atomic():
        media = Media.objects.select_for_update().filter(id=media_id, owner=owner).first()
        if media is None:
            raise NotFound("No such upload.", code=MediaErrorCode.MEDIA_NOT_FOUND)
        if media.attached_at is not None:
            raise Conflict("This upload is in use; delete the post or story instead.", code=MediaErrorCode.MEDIA_IN_USE)
        media_erase(media_ids=[media.id])
