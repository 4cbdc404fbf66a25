"""Demo posts and stories for `make run`, with real pictures drawn at seed time (idempotent)."""

from __future__ import annotations

import io
import random
from typing import Any

from PIL import Image, ImageDraw

from loopin.media.services import media_upload
from loopin.people.models import Friendship
from loopin.posts.models import Post
from loopin.posts.services import post_create

CAPTIONS = [
    ("Sunrise run at Ulsoor Lake, 5 km done", (255, 170, 90), (120, 60, 160)),
    ("Jazz night was unreal", (30, 30, 80), (200, 80, 120)),
    ("Pottery workshop results", (190, 120, 80), (240, 220, 190)),
    ("Rooftop board games, who's in next week?", (40, 120, 110), (250, 210, 90)),
    ("Trek to Nandi Hills", (80, 140, 200), (60, 110, 60)),
    ("Startup mixer: great people", (70, 70, 70), (0, 160, 220)),
]


def demo_picture(top: tuple[int, int, int], bottom: tuple[int, int, int], seed: int, size=(1600, 1200)) -> bytes:
    """A picture that looks like something: a sky gradient, a sun and hills."""
    rng = random.Random(seed)  # noqa: S311 - demo data
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    sun = rng.randint(width // 5, 4 * width // 5), rng.randint(height // 6, height // 2)
    draw.ellipse([sun[0] - 90, sun[1] - 90, sun[0] + 90, sun[1] + 90], fill=(255, 236, 180))
    for layer in range(3):
        base = height * (0.6 + 0.12 * layer)
        points = (
            [(0, height)] + [(x, base - rng.randint(0, 160)) for x in range(0, width + 200, 200)] + [(width, height)]
        )
        draw.polygon(points, fill=tuple(max(0, c - 40 * (layer + 1)) for c in bottom))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


def demo_posts(hosts: list[Any]) -> dict[str, int]:
    made = {"posts": 0}
    for a in hosts:  # the demo hosts are friends with each other
        for b in hosts:
            if a != b:
                Friendship.objects.get_or_create(user=a, friend=b)
    if not Post.objects.filter(author__in=hosts).exists():
        for i, (text, top, bottom) in enumerate(CAPTIONS):
            author = hosts[i % len(hosts)]
            media = media_upload(
                owner=author, handle=io.BytesIO(demo_picture(top, bottom, i)), content_type="image/jpeg"
            )
            post_create(author=author, text=text, media_ids=[media.id])
            made["posts"] += 1
    return made
