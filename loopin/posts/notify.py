"""Notifications about posts through the notification centre: likes and comments aggregate per post
("Asha and 4 others liked your post"); tags and @mentions notify each person once. Sent after commit."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.db import transaction

from loopin.accounts.models import User
from loopin.core.logging import get_logger
from loopin.notifications.services import notify, notify_aggregated
from loopin.people.models import PersonProfile
from loopin.posts.models import Comment, Post

log = get_logger("loopin.posts.notify")
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.]{3,30})")


def _excerpt(text: str) -> str:
    return text if len(text) <= 80 else text[:79] + "…"


def _others(count: int) -> str:
    return "" if count <= 0 else f" and {count} other" + ("s" if count > 1 else "")


def mentioned_ids(text: str) -> set[uuid.UUID]:
    handles = {h.lower() for h in MENTION.findall(text)}
    if not handles:
        return set()
    return set(PersonProfile.objects.filter(handle__in=handles).values_list("user_id", flat=True))


def after_commit(fn: Any, **kwargs: Any) -> None:
    def run() -> None:
        try:
            fn(**kwargs)
        except Exception:  # a notification is never worth failing the like or comment for
            log.exception("post_notification_failed", kind=fn.__name__)

    transaction.on_commit(run)


def notify_like(*, post_id: uuid.UUID, actor_id: uuid.UUID) -> None:
    post = Post.objects.alive().filter(id=post_id).first()
    if post is None or post.author_id == actor_id:
        return
    actor = User.objects.get(id=actor_id)
    others = post.likes.exclude(user_id__in=[actor_id, post.author_id]).count()
    notify_aggregated(
        user_id=post.author_id,
        key="post.liked",
        object_type="post",
        object_id=post.id,
        context={"actor_name": actor.name, "others": _others(others), "post_excerpt": _excerpt(post.text)},
        data={"post_id": str(post.id), "count": others + 1},
    )


def notify_comment(*, comment_id: uuid.UUID) -> None:
    comment = Comment.objects.select_related("post", "author").filter(id=comment_id).first()
    if comment is None:
        return
    post = comment.post
    context = {"actor_name": comment.author.name, "comment_excerpt": _excerpt(comment.text)}
    if post.author_id != comment.author_id:
        others = (
            Comment.objects.alive()
            .filter(post=post)
            .exclude(author_id__in=[comment.author_id, post.author_id])
            .values("author_id")
            .distinct()
            .count()
        )
        notify_aggregated(
            user_id=post.author_id,
            key="post.commented",
            object_type="post",
            object_id=post.id,
            context={**context, "others": _others(others)},
            data={"post_id": str(post.id), "comment_id": str(comment.id)},
        )
    for user_id in mentioned_ids(comment.text) - {comment.author_id}:
        notify(
            user_id=user_id,
            key="post.mentioned",
            context=context,
            object_type="post",
            object_id=post.id,
            data={"post_id": str(post.id), "comment_id": str(comment.id)},
            dedupe_key=f"post.mentioned:{comment.id}:{user_id}",
        )


def notify_new_post(*, post_id: uuid.UUID) -> None:
    post = Post.objects.select_related("author").alive().filter(id=post_id).first()
    if post is None:
        return
    context = {
        "actor_name": post.author.name,
        "post_excerpt": _excerpt(post.text),
        "comment_excerpt": _excerpt(post.text),
    }
    tagged = set(post.tags.values_list("user_id", flat=True)) - {post.author_id}
    mentioned = mentioned_ids(post.text) - tagged - {post.author_id}
    for key, user_ids in (("post.tagged", tagged), ("post.mentioned", mentioned)):
        for user_id in user_ids:
            notify(
                user_id=user_id,
                key=key,
                context=context,
                object_type="post",
                object_id=post.id,
                data={"post_id": str(post.id)},
                dedupe_key=f"{key}:{post.id}:{user_id}",
            )
