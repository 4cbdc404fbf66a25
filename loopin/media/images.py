"""Pictures for the feed: one decode, three sizes (1080/640/150 px long edge), a blurhash placeholder."""

from __future__ import annotations

from dataclasses import dataclass

import blurhash
from PIL import Image

from loopin.core.images import image_decode, image_encode, image_fit

SIZES = (1080, 640, 150)
EXTENSION = "webp"


@dataclass(frozen=True)
class Rendition:
    size: int
    content: bytes
    width: int
    height: int


@dataclass(frozen=True)
class RenderedImage:
    width: int
    height: int
    blurhash: str
    renditions: list[Rendition]


def image_render(content: bytes, *, field: str, max_bytes: int) -> RenderedImage:
    """Decode (metadata stripped, orientation applied) and encode every size; ValidationFailed if unreadable."""
    return image_render_pixels(image_decode(content, field=field, max_bytes=max_bytes, fit=SIZES[0]))


def image_render_pixels(image: Image.Image) -> RenderedImage:
    renditions = []
    current = image
    for size in SIZES:
        current = image_fit(current, size)  # each size from the one above: cheaper than from the original
        renditions.append(Rendition(size, image_encode(current, EXTENSION), current.width, current.height))
    large = renditions[0]
    return RenderedImage(large.width, large.height, image_blurhash(current), renditions)


def image_blurhash(image: Image.Image) -> str:
    """A ~30-character placeholder the app paints before the picture arrives (blurha.sh)."""
    small = image.convert("RGB")
    small.thumbnail((32, 32), Image.Resampling.BILINEAR)
    width, height = small.size
    pixels = list(small.get_flattened_data())
    rows = [pixels[y * width : (y + 1) * width] for y in range(height)]
    x_components = 4 if width >= height else 3
    y_components = 4 if height >= width else 3
    return blurhash.encode(rows, components_x=x_components, components_y=y_components)
