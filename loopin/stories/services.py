"""Stories: post one (24 h), record views, the close-friends list, expiry (media and views go too)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.core.errors import NotFound, PermissionDenied, ValidationFailed
from loopin.media.models import MediaKind
from loopin.media.services import media_claim, media_erase
from loopin.people import selectors as people
from loopin.people.moderation import ensure_can_post
from loopin.stories.error_codes import StoryErrorCode
from loopin.stories.models import CloseFriend, Story, StoryAudience, StoryView

LIFETIME = timedelta(hours=24)
MAX_CLOSE_FRIENDS = 500


def story_create(*, author: User, media_id: uuid.UUID, audience: str = StoryAudience.FRIENDS) -> Story:
    """A picture or video for 24 hours."""
    ensure_can_post(author)
    with transaction.atomic():
        (media,) = media_claim(
            owner=author, media_ids=[media_id], kinds={MediaKind.IMAGE, MediaKind.VIDEO}, field="media_id"
        )
        now = timezone.now()
        return Story.objects.create(
            author=author, media=media, audience=audience, created_at=now, expires_at=now + LIFETIME
        )


def can_see_story(viewer: User, story: Story, *, friends: set[uuid.UUID] | None = None) -> bool:
    if story.author_id == viewer.id:
        return True
    if people.is_blocked_between(viewer, story.author_id):
        return False
    if story.audience == StoryAudience.CLOSE_FRIENDS:
        return CloseFriend.objects.filter(owner_id=story.author_id, friend=viewer).exists()
    is_friend = story.author_id in friends if friends is not None else people.are_friends(viewer, story.author_id)
    if story.audience == StoryAudience.FRIENDS:
        return is_friend
    return is_friend or story.author_id in people.following_ids(viewer)


def live_story(viewer: User, story_id: uuid.UUID) -> Story:
    story = Story.objects.filter(id=story_id, expires_at__gt=timezone.now()).first()
    if story is None or not can_see_story(viewer, story):
        raise NotFound("No such story.", code=StoryErrorCode.STORY_NOT_FOUND)
    return story


def story_view(*, viewer: User, story_id: uuid.UUID) -> Story:
    """I saw it (again: nothing changes); the author's own views are not recorded."""
    story = live_story(viewer, story_id)
    if story.author_id != viewer.id:
        try:
            with transaction.atomic():
                StoryView.objects.create(story=story, viewer=viewer)
        except IntegrityError:
            pass
    return story


def story_delete(*, author: User, story_id: uuid.UUID) -> None:
    with transaction.atomic():
        story = Story.objects.select_for_update().filter(id=story_id).first()
        if story is None:
            raise NotFound("No such story.", code=StoryErrorCode.STORY_NOT_FOUND)
        if story.author_id != author.id:
            raise PermissionDenied("Only the author can delete a story.", code=StoryErrorCode.NOT_STORY_AUTHOR)
        story_remove(story=story)


def close_friends_set(*, owner: User, user_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """Replace my close-friends list (friends only)."""
    ids = list(dict.fromkeys(user_ids))
    if len(ids) > MAX_CLOSE_FRIENDS:
        raise ValidationFailed.one("user_ids", "TOO_MANY", f"At most {MAX_CLOSE_FRIENDS} close friends.")
    friends = people.friend_ids(owner)
    bad = [i for i, u in enumerate(ids) if u not in friends]
    if bad:
        raise ValidationFailed(
            [
                {"field": f"user_ids[{i}]", "code": "NOT_FRIENDS", "message": "Only friends can be close friends."}
                for i in bad
            ]
        )
    with transaction.atomic():
        CloseFriend.objects.filter(owner=owner).delete()
        CloseFriend.objects.bulk_create([CloseFriend(owner=owner, friend_id=u) for u in ids])
    return ids


def story_remove(*, story: Story) -> None:
    """Inside a transaction: the story, its views and its media go (the author's delete, a takedown)."""
    _erase([story])


def _erase(stories: list[Story]) -> int:
    media_ids = [s.media_id for s in stories]
    StoryView.objects.filter(story__in=stories).delete()
    Story.objects.filter(id__in=[s.id for s in stories]).delete()
    media_erase(media_ids=media_ids)
    return len(stories)


def stories_expire() -> int:
    """Stories past their 24 hours, with their media files and view records (beat: every minute)."""
    with transaction.atomic():
        due = list(Story.objects.select_for_update(skip_locked=True).filter(expires_at__lte=timezone.now())[:1000])
        return _erase(due) if due else 0


def stories_erase_for(user: User) -> None:
    _erase(list(Story.objects.filter(author=user)))
    StoryView.objects.filter(viewer=user).delete()
    CloseFriend.objects.filter(owner=user).delete()
    CloseFriend.objects.filter(friend=user).delete()


def stories_export_for(user: User) -> dict[str, Any]:
    return {
        "stories": [
            {"id": str(s.id), "audience": s.audience, "created_at": s.created_at.isoformat()}
            for s in Story.objects.filter(author=user)
        ],
        "close_friends": [str(i) for i in CloseFriend.objects.filter(owner=user).values_list("friend_id", flat=True)],
    }
