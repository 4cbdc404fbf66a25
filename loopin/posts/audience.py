"""Who may see a post, from the people graph (loopin.people.selectors) and the tickets I hold; used by reads
and by fan-out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from loopin.people import selectors as people
from loopin.posts.models import PostVisibility
from loopin.tickets.models import Ticket, TicketStatus

if TYPE_CHECKING:
    from loopin.accounts.models import User


@dataclass(frozen=True)
class Circle:
    """One viewer's graph, read once per request (a fixed number of queries)."""

    viewer_id: uuid.UUID
    friends: set[uuid.UUID]
    following: set[uuid.UUID]
    hidden: set[uuid.UUID]
    events: set[uuid.UUID] = field(default_factory=set)  # events I hold a valid ticket for

    def home_filter(self) -> Q:
        """Posts that belong in this viewer's home feed."""
        mine = Q(author_id=self.viewer_id)
        from_friends = Q(author_id__in=self.friends - self.hidden) & Q(
            visibility__in=[PostVisibility.PUBLIC, PostVisibility.FRIENDS]
        )
        from_followed = Q(author_id__in=self.following - self.hidden - self.friends, visibility=PostVisibility.PUBLIC)
        home = mine | from_friends | from_followed
        if self.events:  # public posts "at" an event I'm going to (or went to), from anyone I don't hide
            home |= Q(event_id__in=self.events, visibility=PostVisibility.PUBLIC) & ~Q(author_id__in=self.hidden)
        return Q(deleted_at__isnull=True) & home

    def can_see(self, post: Any) -> bool:
        if post.deleted_at is not None:
            return False
        if post.author_id == self.viewer_id:
            return True
        if post.author_id in self.hidden or post.visibility == PostVisibility.ONLY_ME:
            return False
        return post.visibility == PostVisibility.PUBLIC or post.author_id in self.friends


def circle_of(viewer: User) -> Circle:
    return Circle(
        viewer_id=viewer.id,
        friends=people.friend_ids(viewer),
        following=people.following_ids(viewer),
        hidden=people.hidden_ids(viewer),
        events=set(
            Ticket.objects.filter(user_id=viewer.id, status=TicketStatus.VALID).values_list("event_id", flat=True)
        ),
    )


def fanout_recipients(post: Any) -> set[uuid.UUID]:
    """Whose timelines a new post goes into: the author, friends (unless only-me), followers and the event's
    ticket holders (public)."""
    recipients = {post.author_id}
    if post.visibility == PostVisibility.ONLY_ME:
        return recipients
    recipients |= people.friend_ids(post.author_id)
    if post.visibility == PostVisibility.PUBLIC:
        recipients |= people.follower_ids(post.author_id)
        if post.event_id:
            recipients |= set(
                Ticket.objects.filter(event_id=post.event_id, status=TicketStatus.VALID).values_list(
                    "user_id", flat=True
                )
            )
    return recipients - people.blocked_ids(post.author_id)
