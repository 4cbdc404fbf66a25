"""Uploaded images are checked by decoding their headers with Pillow, not by trusting names."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from loopin.core.errors import ValidationFailed
from loopin.core.links import absolute_url

MAX_IMAGE_BYTES = 5 * 1024 * 1024
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 40_000_000  # refuse decompression bombs long before they cost memory


def image_extension(content: bytes, *, field: str) -> str:
    """Return 'jpg', 'png' or 'webp' for a valid image of at most 5 MB; raise ValidationFailed otherwise."""
    if len(content) > MAX_IMAGE_BYTES:
        raise ValidationFailed.one(field, "IMAGE_TOO_LARGE", "Each picture may be at most 5 MB.")
    try:
        with Image.open(io.BytesIO(content)) as image:
            fmt = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationFailed.one(field, "INVALID_IMAGE", "The file is not a readable image.") from None
    if fmt not in FORMATS:
        raise ValidationFailed.one(field, "UNSUPPORTED_IMAGE_TYPE", "Pictures must be JPEG, PNG or WebP.")
    if width * height > MAX_PIXELS:
        raise ValidationFailed.one(field, "INVALID_IMAGE", "The picture has too many pixels.")
    return FORMATS[fmt]


def image_public_url(url: str, stored_name: str) -> str:
    """An external picture URL as it is; a stored file as an absolute URL to wherever storage serves it."""
    if stored_name:
        from django.core.files.storage import default_storage

        served = default_storage.url(stored_name)
        return absolute_url(served)
    return url
