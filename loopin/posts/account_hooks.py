"""Account deletion and export: a person's posts, comments and likes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import F

from loopin.posts.models import Comment, Post, PostLike
from loopin.posts.services import post_remove

if TYPE_CHECKING:
    from loopin.accounts.models import User


def erase_posts(user: User) -> None:
    """Posts (with their media), comments and likes of the person go; counters of others' posts follow."""

    for post in Post.objects.alive().filter(author=user):
        post_remove(post=post)
    for post_id in PostLike.objects.filter(user=user).values_list("post_id", flat=True):
        Post.objects.filter(id=post_id, like_count__gt=0).update(like_count=F("like_count") - 1)
    PostLike.objects.filter(user=user).delete()
    for post_id in Comment.objects.alive().filter(author=user).values_list("post_id", flat=True):
        Post.objects.filter(id=post_id, comment_count__gt=0).update(comment_count=F("comment_count") - 1)
    Comment.objects.filter(author=user).delete()
    Post.objects.filter(author=user).delete()


def export_posts(user: User) -> dict[str, Any]:
    return {
        "posts": [
            {"id": str(p.id), "text": p.text, "visibility": p.visibility, "created_at": p.created_at.isoformat()}
            for p in Post.objects.alive().filter(author=user).order_by("created_at")
        ],
        "comments": [
            {"id": str(c.id), "post_id": str(c.post_id), "text": c.text, "created_at": c.created_at.isoformat()}
            for c in Comment.objects.alive().filter(author=user).order_by("created_at")
        ],
        "likes": [str(pid) for pid in PostLike.objects.filter(user=user).values_list("post_id", flat=True)],
    }
