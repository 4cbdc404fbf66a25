"""The upload pipeline's time for a 12-megapixel phone photo (4032 x 3024 JPEG with EXIF/GPS).

    .venv/bin/python -m bench.media [--runs 5] [--json]

`make bench` runs it too (and `python -m bench.run --home-only`), on the bench's PostgreSQL and storage.

Times `media.images.image_render` (decode with orientation and metadata stripped, three WebP sizes, blurhash)
and the whole `media.services.media_upload` (plus the file writes to local storage), median of the runs.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loopin.config.django_settings")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="loopin-media-bench-"))


def photo() -> bytes:
    """A photo-like 12 MP JPEG: smooth gradients with fine detail (not noise, not flat), quality 92."""
    from PIL import Image, ImageDraw, ImageFilter

    from loopin.testing.images import phone_photo

    width, height = 4032, 3024
    gradient = Image.linear_gradient("L").resize((width, height))
    image = Image.merge("RGB", (gradient, gradient.rotate(90).resize((width, height)), gradient.transpose(0)))
    draw = ImageDraw.Draw(image)
    for i in range(0, width, 37):
        draw.line([(i, 0), (width - i, height)], fill=(i % 255, 120, 255 - i % 255), width=3)
    image = image.filter(ImageFilter.DETAIL)
    exif = Image.open(io.BytesIO(phone_photo())).info["exif"]
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=92, exif=exif)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="end with one JSON line (for bench/run.py)")
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command

    from loopin.media.images import image_render

    content = photo()
    render = []
    for _ in range(args.runs):
        started = time.perf_counter()
        image_render(content, field="file", max_bytes=len(content))
        render.append(time.perf_counter() - started)
    call_command("migrate", verbosity=0)
    from loopin.accounts.models import User
    from loopin.media.services import media_upload

    owner, _ = User.objects.get_or_create(phone_number="+919999900000", defaults={"name": "Bench"})
    upload = []
    for _ in range(args.runs):
        started = time.perf_counter()
        media_upload(owner=owner, handle=io.BytesIO(content), content_type="image/jpeg")
        upload.append(time.perf_counter() - started)
    print(f"12 MP JPEG, {len(content) / 1e6:.1f} MB, {args.runs} runs, cores={os.cpu_count()}")
    print(f"  render (decode + 3 WebP sizes + blurhash): median {statistics.median(render) * 1000:.0f} ms")
    print(f"  media_upload (+ storage writes + row):     median {statistics.median(upload) * 1000:.0f} ms")
    if args.json:
        figures = {
            "megapixels": round(4032 * 3024 / 1e6, 1),
            "mb": round(len(content) / 1e6, 1),
            "runs": args.runs,
            "render_ms": round(statistics.median(render) * 1000),
            "upload_ms": round(statistics.median(upload) * 1000),
        }
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
