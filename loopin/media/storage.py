"""The media files in Django's default storage (local disk or S3 through django-storages)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

import structlog
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from loopin.core.images import image_public_url
from loopin.core.settings import get_settings

log = structlog.get_logger("loopin.media")


def media_prefix(media: Any) -> str:
    return f"media/{media.owner_id}/{media.id}"


def file_save(name: str, content: bytes) -> str:
    return default_storage.save(name, ContentFile(content))


def file_save_path(name: str, path: str) -> str:
    with open(path, "rb") as handle:
        return default_storage.save(name, File(handle, name=os.path.basename(name)))


def files_delete(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # a missing file is not worth failing for; the orphan job comes back for rows
            log.warning("media_file_delete_failed", name=name)


def file_url(name: str) -> str:
    return image_public_url("", name)


@contextmanager
def scratch_dir() -> Iterator[str]:
    """A private folder under DATA_DIR for FFmpeg to read and write real files in."""
    root = get_settings().DATA_DIR / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    folder = tempfile.mkdtemp(dir=root, prefix="media-")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def copy_to(handle: BinaryIO, path: str, *, limit: int) -> int:
    """Copy an upload to `path`, stopping past `limit` bytes; returns how many bytes it had (up to limit + 1)."""
    written = 0
    with open(path, "wb") as out:
        while chunk := handle.read(1024 * 1024):
            written += len(chunk)
            if written > limit:
                return written
            out.write(chunk)
    return written


def fetch_to(name: str, path: str, *, limit: int) -> int:
    with default_storage.open(name, "rb") as handle:
        return copy_to(handle, path, limit=limit)


def uses_s3() -> bool:
    return get_settings().STORAGE_BACKEND == "s3"


def presigned_post(key: str, *, content_type: str, max_bytes: int, expires: int) -> dict[str, Any]:
    """A form the phone posts the file to, straight into the bucket (size and type bound by the signature)."""
    client = default_storage.connection.meta.client
    return client.generate_presigned_post(
        Bucket=default_storage.bucket_name,
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=expires,
    )
