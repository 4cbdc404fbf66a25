"""Reading posts: the home feed (timelines + database check), reels, one post, comments."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from loopin.accounts.models import ProfilePicture, User
from loopin.core.errors import NotFound, ValidationFailed
from loopin.media.selectors import media_data
from loopin.posts import timelines
from loopin.posts.audience import Circle, circle_of
from loopin.posts.error_codes import PostErrorCode
from loopin.posts.models import EDIT_WINDOW, Comment, Post, PostLike, PostMedia, PostTag, PostVisibility

REELS_WINDOW = 200  # the newest public reels ranked per request


def _person(user: User) -> dict[str, Any]:
    pictures = list(user.pictures.all())
    return {"id": user.id, "name": user.name, "picture": pictures[0].public_url if pictures else None}


def _posts(viewer: User) -> QuerySet[Post]:
    """Posts with everything a card shows, in a fixed number of queries whatever the page size."""
    return (
        Post.objects.select_related("author", "event")
        .prefetch_related(
            Prefetch("author__pictures", queryset=ProfilePicture.objects.order_by("position")),
            Prefetch("attachments", queryset=PostMedia.objects.select_related("media").order_by("position")),
            Prefetch("tags", queryset=PostTag.objects.select_related("user")),
        )
        .annotate(liked=Exists(PostLike.objects.filter(post=OuterRef("pk"), user=viewer)))
    )


def post_data(post: Post, viewer: User) -> dict[str, Any]:
    now = timezone.now()
    return {
        "id": post.id,
        "author": _person(post.author),
        "text": post.text,
        "visibility": post.visibility,
        "event": {"id": post.event.id, "title": post.event.title} if post.event else None,
        "media": [media_data(a.media) for a in post.attachments.all()],
        "tags": [{"id": t.user.id, "name": t.user.name} for t in post.tags.all()],
        "like_count": post.like_count,
        "comment_count": post.comment_count,
        "liked_by_me": bool(getattr(post, "liked", False)),
        "is_reel": post.has_video,
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "can_edit": post.author_id == viewer.id and now - post.created_at <= EDIT_WINDOW,
    }


def _cursor(value: str | None) -> int | None:
    if not value:
        return None
    try:
        cursor = int(value)
        if not 0 <= cursor <= 10**13:  # milliseconds up to the year 2286
            raise ValueError(value)
        return cursor
    except ValueError:
        raise ValidationFailed.one("before", "INVALID_CURSOR", "Use the next_cursor of the previous page.") from None


def feed_home(*, viewer: User, before: str | None, limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """My friends', followed people's and my own posts, and public posts at events I hold a ticket for, newest
    first; (items, next cursor)."""
    before_ms = _cursor(before)
    circle = circle_of(viewer)
    ids = timelines.timeline_read(viewer.id, before_ms, limit * 2, lambda: _rebuild(circle))
    qs = _posts(viewer).filter(circle.home_filter())
    if ids is None:  # embedded, or Redis trouble: straight from the database
        if before_ms is not None:
            qs = qs.filter(created_at__lt=datetime.fromtimestamp(before_ms / 1000, tz=UTC))
        posts = list(qs.order_by("-created_at")[:limit])
    else:
        found = {str(p.id): p for p in qs.filter(id__in=ids)}
        posts = [found[i] for i in ids if i in found][:limit]
    cursor = str(timelines.score(posts[-1])) if len(posts) == limit else None
    return [post_data(p, viewer) for p in posts], cursor


def _rebuild(circle: Circle) -> list[tuple[uuid.UUID, int]]:
    rows = Post.objects.filter(circle.home_filter()).order_by("-created_at")[: timelines.TIMELINE_SIZE]
    return [(pid, int(created.timestamp() * 1000)) for pid, created in rows.values_list("id", "created_at")]


def feed_reels(*, viewer: User, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Public videos (and friends' videos), ranked by engagement decaying with age."""
    circle = circle_of(viewer)
    recent = list(
        _posts(viewer)
        .filter(has_video=True, deleted_at__isnull=True)
        .exclude(author_id__in=circle.hidden)
        .exclude(visibility=PostVisibility.ONLY_ME)
        .order_by("-created_at")[:REELS_WINDOW]
    )
    recent = [p for p in recent if circle.can_see(p)]
    now = timezone.now()

    def rank(post: Post) -> float:
        hours = max(0.0, (now - post.created_at).total_seconds() / 3600)
        score: float = (1 + post.like_count + 2 * post.comment_count) / (hours + 2) ** 1.5
        return score

    recent.sort(key=rank, reverse=True)
    return [post_data(p, viewer) for p in recent[offset : offset + limit]], len(recent)


def post_get(*, viewer: User, post_id: uuid.UUID) -> dict[str, Any]:
    post = _posts(viewer).filter(id=post_id, deleted_at__isnull=True).first()
    if post is None or not circle_of(viewer).can_see(post):
        raise NotFound("No such post.", code=PostErrorCode.POST_NOT_FOUND)
    return post_data(post, viewer)


def _comment(c: Comment) -> dict[str, Any]:
    return {"id": c.id, "author": _person(c.author), "text": c.text, "created_at": c.created_at}


def comments_list(*, viewer: User, post_id: uuid.UUID, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Top-level comments, oldest first, each with its replies."""
    post_get(viewer=viewer, post_id=post_id)
    hidden = circle_of(viewer).hidden
    base = Comment.objects.filter(post_id=post_id, deleted_at__isnull=True).exclude(author_id__in=hidden)
    top = base.filter(parent__isnull=True)
    replies = base.select_related("author").prefetch_related("author__pictures").order_by("created_at")
    page = list(
        top.select_related("author")
        .prefetch_related("author__pictures", Prefetch("replies", queryset=replies, to_attr="shown_replies"))
        .order_by("created_at")[offset : offset + limit]
    )
    items = [{**_comment(c), "replies": [_comment(r) for r in c.shown_replies]} for c in page]
    return items, top.count()
