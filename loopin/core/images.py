"""Uploaded images are decoded with Pillow and written anew: what is stored is pixels we encoded, never
the bytes a phone sent (no EXIF/GPS, no camera serial, no XMP or comments, nothing appended after the
image data), turned the way the camera meant (EXIF orientation applied) and converted to sRGB."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.storage import default_storage
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from loopin.core.errors import ValidationFailed
from loopin.core.links import absolute_url

MAX_IMAGE_BYTES = 5 * 1024 * 1024
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
MAX_PIXELS = 40_000_000  # refuse decompression bombs before a single pixel is decoded
# A picture kept as one file (profile pictures, event covers) is at most this many pixels on its long edge.
MAX_STORED_EDGE = 2048
JPEG_QUALITY = 85
WEBP_QUALITY = 80

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_DECODE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    TypeError,
    EOFError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
    ImageCms.PyCMSError,
)


@dataclass(frozen=True)
class CleanImage:
    """An image as we store it: freshly encoded bytes and what they are."""

    content: bytes
    extension: str
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]


def image_decode(
    content: bytes, *, field: str, max_bytes: int = MAX_IMAGE_BYTES, fit: int | None = None
) -> Image.Image:
    """Decode an upload into bare pixels: the first frame, orientation applied, sRGB, no metadata left.

    `fit` lets JPEG decoding skip detail a long edge of `fit` pixels would not show (much faster for
    12-megapixel photos). Raises ValidationFailed with IMAGE_TOO_LARGE, INVALID_IMAGE or
    UNSUPPORTED_IMAGE_TYPE."""
    if len(content) > max_bytes:
        raise ValidationFailed.one(
            field, "IMAGE_TOO_LARGE", f"Each picture may be at most {max_bytes // (1024 * 1024)} MB."
        )
    try:
        source = Image.open(io.BytesIO(content))
        fmt = source.format
        if fmt not in FORMATS:
            raise ValidationFailed.one(field, "UNSUPPORTED_IMAGE_TYPE", "Pictures must be JPEG, PNG or WebP.")
        width, height = source.size
        if width * height > MAX_PIXELS or width <= 0 or height <= 0:
            raise ValidationFailed.one(field, "INVALID_IMAGE", "The picture has too many pixels.")
        if fit and fmt == "JPEG":
            source.draft("RGB", (fit, fit))
        source.load()
        image = ImageOps.exif_transpose(source) if _orientation(source) not in (None, 1) else source
        image = _plain_mode(_to_srgb(image))
    except ValidationFailed:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationFailed.one(field, "INVALID_IMAGE", "The picture has too many pixels.") from None
    except _DECODE_ERRORS:
        raise ValidationFailed.one(field, "INVALID_IMAGE", "The file is not a readable image.") from None
    # Nothing that came with the file travels further: encoders read exif/icc/xmp/comments from `info`.
    image.info = {}
    return image


def image_encode(image: Image.Image, extension: str) -> bytes:
    """Encode bare pixels as 'jpg', 'png' or 'webp' (JPEG has no alpha: transparent parts go white)."""
    buffer = io.BytesIO()
    if extension == "jpg":
        if image.mode in ("RGBA", "LA"):
            background = Image.new("RGB", image.size, (255, 255, 255))
            background.paste(image, mask=image.getchannel("A"))
            image = background
        elif image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif extension == "webp":
        image.save(buffer, format="WEBP", quality=WEBP_QUALITY, method=4)
    else:
        image.save(buffer, format="PNG", optimize=False, compress_level=6)
    return buffer.getvalue()


def image_fit(image: Image.Image, edge: int) -> Image.Image:
    """The image scaled down (never up) so that its long edge is at most `edge` pixels."""
    if max(image.size) <= edge:
        return image
    scaled = image.copy()
    scaled.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    return scaled


def image_clean(content: bytes, *, field: str) -> CleanImage:
    """A JPEG, PNG or WebP upload of at most 5 MB, re-encoded in its own format without metadata and at
    most MAX_STORED_EDGE pixels on its long edge; raise ValidationFailed for anything else."""
    extension = _format_extension(content)
    image = image_fit(image_decode(content, field=field, fit=MAX_STORED_EDGE), MAX_STORED_EDGE)
    return CleanImage(image_encode(image, extension), extension, image.width, image.height)


def _format_extension(content: bytes) -> str:
    try:
        with Image.open(io.BytesIO(content)) as probe:
            return FORMATS.get(probe.format or "", "jpg")
    except _DECODE_ERRORS:
        return "jpg"  # image_decode says what is wrong with it


def _orientation(image: Image.Image) -> int | None:
    try:
        return image.getexif().get(0x0112)
    except _DECODE_ERRORS:
        return None  # unreadable EXIF: nothing to turn by


def _to_srgb(image: Image.Image) -> Image.Image:
    """Pixels in an embedded colour profile (Display P3 from phones, CMYK from print tools) → sRGB."""
    icc = image.info.get("icc_profile")
    if not icc:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") else "RGB"
        if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
            image = image.convert(mode)
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
    except ImageCms.PyCMSError:
        return image  # a broken profile: keep the pixels as they are, the profile goes anyway
    return converted or image


def _plain_mode(image: Image.Image) -> Image.Image:
    """RGB, RGBA (when there is transparency) or L; anything else (CMYK, palettes, 16-bit) is converted."""
    if image.mode in ("RGB", "RGBA", "L"):
        return image
    if image.mode in ("LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        return image.convert("RGBA")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    return image.convert("RGB")


def image_public_url(url: str, stored_name: str) -> str:
    """An external picture URL as it is; a stored file as an absolute URL to wherever storage serves it."""
    if stored_name:
        served = default_storage.url(stored_name)
        return absolute_url(served)
    return url
