"""Posts and comments in the moderation queue (registered with loopin.people.moderation): a report names one
the reporter can see; a takedown is the author's own removal (a post's media are erased)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse

from loopin.core.errors import NotFound
from loopin.people.models import ReportTarget
from loopin.people.moderation import ContentKind, ContentView, register_content
from loopin.posts import audience, services
from loopin.posts.error_codes import PostErrorCode
from loopin.posts.models import Comment, Post

if TYPE_CHECKING:
    from loopin.accounts.models import User


def _find_post(viewer: User, post_id: uuid.UUID) -> uuid.UUID:
    post = Post.objects.alive().filter(id=post_id).first()
    if post is None or not audience.circle_of(viewer).can_see(post):
        raise NotFound("No such post.", code=PostErrorCode.POST_NOT_FOUND)
    return post.author_id


def _show_post(post_id: uuid.UUID) -> ContentView | None:
    post = Post.objects.alive().filter(id=post_id).first()
    if post is None:
        return None
    media = [a.media for a in post.attachments.select_related("media").order_by("position")]
    return ContentView(
        label="Post",
        author_id=post.author_id,
        text=post.text,
        media=media,
        admin_url=reverse("admin:posts_post_change", args=[post.id]),
    )


def _take_down_post(post_id: uuid.UUID) -> bool:
    with transaction.atomic():
        post = Post.objects.select_for_update().alive().filter(id=post_id).first()
        if post is None:
            return False
        services.post_remove(post=post)
    return True


def _live_comment(comment_id: uuid.UUID) -> Comment | None:
    return Comment.objects.select_related("post").alive().filter(id=comment_id, post__in=Post.objects.alive()).first()


def _find_comment(viewer: User, comment_id: uuid.UUID) -> uuid.UUID:
    comment = _live_comment(comment_id)
    circle = audience.circle_of(viewer)
    if comment is None or not circle.can_see(comment.post) or comment.author_id in circle.hidden:
        raise NotFound("No such comment.", code=PostErrorCode.COMMENT_NOT_FOUND)
    return comment.author_id


def _show_comment(comment_id: uuid.UUID) -> ContentView | None:
    comment = _live_comment(comment_id)
    if comment is None:
        return None
    return ContentView(
        label="Comment",
        author_id=comment.author_id,
        text=comment.text,
        admin_url=reverse("admin:posts_comment_change", args=[comment.id]),
    )


def _take_down_comment(comment_id: uuid.UUID) -> bool:
    with transaction.atomic():
        comment = Comment.objects.select_for_update().alive().filter(id=comment_id).first()
        if comment is None:
            return False
        services.comment_remove(comment=comment)
    return True


def register() -> None:
    register_content(ReportTarget.POST, ContentKind("Post", _find_post, _show_post, _take_down_post))
    register_content(ReportTarget.COMMENT, ContentKind("Comment", _find_comment, _show_comment, _take_down_comment))
