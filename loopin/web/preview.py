"""The share preview picture: 1200x630 JPEG with the title, date and place over the event's own cover."""

from __future__ import annotations

import io

from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from loopin.web.present import PREVIEW_SIZE

BRAND = (93, 63, 211)  # the card's colour when there is no cover of our own
MAX_COVER_BYTES = 8 * 1024 * 1024


def _cover(name: str | None) -> Image.Image | None:
    if not name:
        return None
    try:
        with default_storage.open(name, "rb") as fh:
            data = fh.read(MAX_COVER_BYTES + 1)
        if len(data) > MAX_COVER_BYTES:
            return None
        with Image.open(io.BytesIO(data)) as image:
            return ImageOps.fit(image.convert("RGB"), PREVIEW_SIZE)
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None  # a missing or broken file gets the plain card, never an error


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int, lines: int) -> list[str]:
    out: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=font) <= width:
            current = trial
            continue
        if current:
            out.append(current)
        current = word
        if len(out) == lines:
            break
    if current and len(out) < lines:
        out.append(current)
    if len(out) == lines and " ".join(out) != " ".join(text.split()):
        while out[-1] and draw.textlength(out[-1] + "…", font=font) > width:
            out[-1] = out[-1][:-1]
        out[-1] = out[-1].rstrip() + "…"
    return out


def preview_jpeg(*, title: str, lines: list[str], cover_file: str | None) -> bytes:
    """The picture link previews show; text on a darkened cover, or on the brand colour without one."""
    width, height = PREVIEW_SIZE
    image = _cover(cover_file) or Image.new("RGB", PREVIEW_SIZE, BRAND)
    shade = Image.new("RGBA", PREVIEW_SIZE, (0, 0, 0, 0))
    ImageDraw.Draw(shade).rectangle((0, height * 0.35, width, height), fill=(0, 0, 0, 150))
    image = Image.alpha_composite(image.convert("RGBA"), shade).convert("RGB")
    draw = ImageDraw.Draw(image)
    title_font = ImageFont.load_default(size=68)
    line_font = ImageFont.load_default(size=38)
    brand_font = ImageFont.load_default(size=34)
    draw.text((60, 50), "Loopin", font=brand_font, fill=(255, 255, 255))
    y = 260
    for line in _wrap(draw, title, title_font, width - 120, 2):
        draw.text((60, y), line, font=title_font, fill=(255, 255, 255))
        y += 84
    y += 16
    for line in lines[:3]:
        draw.text((60, y), line[:60], font=line_font, fill=(235, 235, 245))
        y += 50
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()
