"""Reading stories: the rings (mine first, then unseen first, newest first) and a story's viewers."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from loopin.accounts.models import ProfilePicture, User
from loopin.core.errors import NotFound
from loopin.media.selectors import media_data
from loopin.people import selectors as people
from loopin.stories.error_codes import StoryErrorCode
from loopin.stories.models import CloseFriend, Story, StoryAudience, StoryView


def _person(user: User) -> dict[str, Any]:
    pictures = list(user.pictures.all())
    return {"id": user.id, "name": user.name, "picture": pictures[0].public_url if pictures else None}


def story_rings(*, viewer: User) -> list[dict[str, Any]]:
    """One ring per person with live stories I may see; a fixed number of queries however many."""
    friends = people.friend_ids(viewer)
    following = people.following_ids(viewer)
    blocked = people.blocked_ids(viewer)
    close_to = set(CloseFriend.objects.filter(friend=viewer).values_list("owner_id", flat=True))
    authors = ({viewer.id} | friends | following) - blocked
    stories = list(
        Story.objects.filter(author_id__in=authors, expires_at__gt=timezone.now())
        .select_related("media", "author")
        .prefetch_related(Prefetch("author__pictures", queryset=ProfilePicture.objects.order_by("position")))
        .order_by("created_at")
    )

    def visible(s: Story) -> bool:
        if s.author_id == viewer.id:
            return True
        if s.audience == StoryAudience.CLOSE_FRIENDS:
            return s.author_id in close_to
        if s.audience == StoryAudience.FRIENDS:
            return s.author_id in friends
        return True

    stories = [s for s in stories if visible(s)]
    seen = set(
        StoryView.objects.filter(viewer=viewer, story_id__in=[s.id for s in stories]).values_list("story_id", flat=True)
    )
    rings: dict[uuid.UUID, dict[str, Any]] = {}
    for s in stories:
        ring = rings.setdefault(
            s.author_id, {"author": _person(s.author), "stories": [], "is_mine": s.author_id == viewer.id}
        )
        ring["stories"].append(
            {
                "id": s.id,
                "media": media_data(s.media),
                "audience": s.audience,
                "created_at": s.created_at,
                "expires_at": s.expires_at,
                "seen": s.id in seen or s.author_id == viewer.id,
            }
        )
    for ring in rings.values():
        ring["has_unseen"] = any(not x["seen"] for x in ring["stories"])
        ring["latest_at"] = ring["stories"][-1]["created_at"]
    ordered = sorted(rings.values(), key=lambda r: r["latest_at"], reverse=True)
    ordered.sort(key=lambda r: (not r["is_mine"], not r["has_unseen"]))  # stable: newest first within each group
    return ordered


def story_viewers(*, author: User, story_id: uuid.UUID, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Who saw my story, latest first."""
    story = Story.objects.filter(id=story_id, author=author, expires_at__gt=timezone.now()).first()
    if story is None:
        raise NotFound("No such story of yours.", code=StoryErrorCode.STORY_NOT_FOUND)
    views = StoryView.objects.filter(story=story).select_related("viewer").prefetch_related("viewer__pictures")
    page = list(views.order_by("-viewed_at")[offset : offset + limit])
    return [{"viewer": _person(v.viewer), "viewed_at": v.viewed_at} for v in page], views.count()
