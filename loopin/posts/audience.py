"""Who may see a post, from the people graph (loopin.people.selectors); used by reads and by fan-out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from loopin.people import selectors as people
from loopin.posts.models import PostVisibility


@dataclass(frozen=True)
class Circle:
    """One viewer's graph, read once per request (a fixed number of queries)."""

    viewer_id: uuid.UUID
    friends: set[uuid.UUID]
    following: set[uuid.UUID]
    hidden: set[uuid.UUID]

    def home_filter(self) -> Q:
        """Posts that belong in this viewer's home feed."""
        mine = Q(author_id=self.viewer_id)
        from_friends = Q(author_id__in=self.friends - self.hidden) & Q(
            visibility__in=[PostVisibility.PUBLIC, PostVisibility.FRIENDS]
        )
        from_followed = Q(author_id__in=self.following - self.hidden - self.friends, visibility=PostVisibility.PUBLIC)
        return Q(deleted_at__isnull=True) & (mine | from_friends | from_followed)

    def can_see(self, post: Any) -> bool:
        if post.deleted_at is not None:
            return False
        if post.author_id == self.viewer_id:
            return True
        if post.author_id in self.hidden or post.visibility == PostVisibility.ONLY_ME:
            return False
        return post.visibility == PostVisibility.PUBLIC or post.author_id in self.friends


def circle_of(viewer: Any) -> Circle:
    return Circle(
        viewer_id=viewer.id,
        friends=people.friend_ids(viewer),
        following=people.following_ids(viewer),
        hidden=people.hidden_ids(viewer),
    )


def fanout_recipients(post: Any) -> set[uuid.UUID]:
    """Whose timelines a new post goes into: the author, friends (unless only-me), followers (public)."""
    recipients = {post.author_id}
    if post.visibility == PostVisibility.ONLY_ME:
        return recipients
    recipients |= people.friend_ids(post.author_id)
    if post.visibility == PostVisibility.PUBLIC:
        recipients |= people.follower_ids(post.author_id)
    return recipients - people.blocked_ids(post.author_id)
