"""Stories in the moderation queue (registered with loopin.people.moderation): a report names a live story the
reporter can see; a takedown removes it with its views and media, like the author's delete."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse

from loopin.people.models import ReportTarget
from loopin.people.moderation import ContentKind, ContentView, register_content
from loopin.stories import services
from loopin.stories.models import Story

if TYPE_CHECKING:
    from loopin.accounts.models import User


def _find(viewer: User, story_id: uuid.UUID) -> uuid.UUID:
    return services.live_story(viewer, story_id).author_id  # 404 STORY_NOT_FOUND when expired or not seen


def _show(story_id: uuid.UUID) -> ContentView | None:
    story = Story.objects.select_related("media").filter(id=story_id).first()
    if story is None:
        return None
    return ContentView(
        label="Story",
        author_id=story.author_id,
        media=[story.media],
        admin_url=reverse("admin:stories_story_change", args=[story.id]),
    )


def _take_down(story_id: uuid.UUID) -> bool:
    with transaction.atomic():
        story = Story.objects.select_for_update().filter(id=story_id).first()
        if story is None:
            return False
        services.story_remove(story=story)
    return True


def register() -> None:
    register_content(ReportTarget.STORY, ContentKind("Story", _find, _show, _take_down))
