"""Demo stories for `make run` (idempotent): live ones for three demo hosts, pictures drawn at seed time."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone

from loopin.media.services import media_upload
from loopin.posts.demo import CAPTIONS, demo_picture
from loopin.stories.models import Story
from loopin.stories.services import story_create


def demo_stories(hosts: list[Any]) -> dict[str, int]:
    made = {"stories": 0}
    if not Story.objects.filter(author__in=hosts, expires_at__gt=timezone.now()).exists():
        for i, author in enumerate(hosts[:3]):
            top, bottom = CAPTIONS[-1 - i][1], CAPTIONS[-1 - i][2]
            content = demo_picture(top, bottom, 100 + i, size=(1080, 1920))
            media = media_upload(owner=author, handle=io.BytesIO(content), content_type="image/jpeg")
            story_create(author=author, media_id=media.id, audience="friends")
            made["stories"] += 1
    return made
