"""Posts: create (pictures or a video, event and people tags), edit within a window, soft delete with the
media erased, likes and comments (one level of replies). Fan-out into timelines happens after commit."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from loopin.accounts.models import User
from loopin.core.errors import BusinessRuleError, NotFound, PermissionDenied, ValidationFailed
from loopin.events.models import Event
from loopin.events.selectors import event_for
from loopin.media.models import MediaKind
from loopin.media.services import media_claim, media_erase
from loopin.people import selectors as people
from loopin.people.moderation import ensure_can_post
from loopin.posts import audience, notify, timelines
from loopin.posts.error_codes import PostErrorCode
from loopin.posts.models import EDIT_WINDOW, Comment, Post, PostLike, PostMedia, PostTag, PostVisibility

MAX_IMAGES = 10
MAX_TAGS = 20


def post_create(
    *,
    author: User,
    text: str,
    media_ids: list[uuid.UUID],
    visibility: str = PostVisibility.PUBLIC,
    event_id: uuid.UUID | None = None,
    tagged_user_ids: list[uuid.UUID] | None = None,
) -> Post:
    """A post with text and up to 10 pictures or one video; at least one of text or media."""
    ensure_can_post(author)
    text = text.strip()
    if not text and not media_ids:
        raise ValidationFailed.one("text", "EMPTY_POST", "Write something or add a picture or video.")
    if len(media_ids) > MAX_IMAGES:
        raise ValidationFailed.one("media_ids", "TOO_MANY_MEDIA", f"A post has at most {MAX_IMAGES} pictures.")
    tags = list(dict.fromkeys(tagged_user_ids or []))
    if len(tags) > MAX_TAGS:
        raise ValidationFailed.one("tagged_user_ids", "TOO_MANY_TAGS", f"Tag at most {MAX_TAGS} people.")
    event = _event(author, event_id) if event_id else None
    with transaction.atomic():
        media = media_claim(owner=author, media_ids=media_ids, kinds={MediaKind.IMAGE, MediaKind.VIDEO})
        videos = [m for m in media if m.kind == MediaKind.VIDEO]
        if videos and len(media) > 1:
            raise ValidationFailed.one("media_ids", "VIDEO_ALONE", "A post has one video or up to 10 pictures.")
        tagged = _taggable(author, tags)
        post = Post.objects.create(author=author, text=text, visibility=visibility, event=event, has_video=bool(videos))
        PostMedia.objects.bulk_create([PostMedia(post=post, media=m, position=i) for i, m in enumerate(media)])
        PostTag.objects.bulk_create([PostTag(post=post, user_id=u) for u in tagged])
    transaction.on_commit(lambda: post_fan_out(post_id=post.id))
    notify.after_commit(notify.notify_new_post, post_id=post.id)
    return post


def _event(author: User, event_id: uuid.UUID) -> Event:
    return event_for(author, event_id)  # 404 for an event the author can't see


def _taggable(author: User, user_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    if not user_ids:
        return []
    found = set(User.objects.filter(id__in=user_ids, is_active=True).values_list("id", flat=True))
    blocked = people.blocked_ids(author)
    bad = [i for i, u in enumerate(user_ids) if u not in found or u in blocked]
    if bad:
        raise ValidationFailed(
            [{"field": f"tagged_user_ids[{i}]", "code": "USER_NOT_TAGGABLE", "message": "No such person."} for i in bad]
        )
    return user_ids


def post_fan_out(*, post_id: uuid.UUID) -> int:
    """Push a new post into its audience's timelines (those that are built)."""
    post = Post.objects.filter(id=post_id, deleted_at__isnull=True).first()
    if post is None:
        return 0
    recipients = audience.fanout_recipients(post)
    timelines.timeline_push(post.id, recipients, timelines.score(post))
    return len(recipients)


def _own_post(author: User, post_id: uuid.UUID, *, lock: bool = True) -> Post:
    qs = Post.objects.select_for_update() if lock else Post.objects
    post = qs.filter(id=post_id, deleted_at__isnull=True).first()
    if post is None:
        raise NotFound("No such post.", code=PostErrorCode.POST_NOT_FOUND)
    if post.author_id != author.id:
        raise PermissionDenied("Only the author can do this.", code=PostErrorCode.NOT_POST_AUTHOR)
    return post


def post_edit(*, author: User, post_id: uuid.UUID, text: str) -> Post:
    """Change the text within 15 minutes of posting."""
    with transaction.atomic():
        post = _own_post(author, post_id)
        if timezone.now() - post.created_at > EDIT_WINDOW:
            raise BusinessRuleError(
                "Posts can be edited for 15 minutes after posting.", code=PostErrorCode.EDIT_WINDOW_CLOSED
            )
        text = text.strip()
        if not text and not post.attachments.exists():
            raise ValidationFailed.one("text", "EMPTY_POST", "Write something or add a picture or video.")
        post.text, post.edited_at = text, timezone.now()
        post.save(update_fields=["text", "edited_at"])
    return post


def post_delete(*, actor: User, post_id: uuid.UUID) -> None:
    """Soft delete: the post disappears everywhere; its pictures and video are erased."""
    with transaction.atomic():
        post = _own_post(actor, post_id)
        post_remove(post=post)


def post_remove(*, post: Post) -> None:
    """Inside a transaction: mark deleted and erase the media (the author's delete, a takedown, an erasure)."""
    Post.objects.filter(id=post.id).update(deleted_at=timezone.now())
    media_erase(media_ids=list(post.attachments.values_list("media_id", flat=True)))


def visible_post(viewer: User, post_id: uuid.UUID, *, lock: bool = False) -> Post:
    qs = Post.objects.select_for_update() if lock else Post.objects
    post = qs.filter(id=post_id, deleted_at__isnull=True).first()
    if post is None or not audience.circle_of(viewer).can_see(post):
        raise NotFound("No such post.", code=PostErrorCode.POST_NOT_FOUND)
    return post


def post_like(*, user: User, post_id: uuid.UUID) -> Post:
    """Like (again: nothing changes)."""
    with transaction.atomic():
        post = visible_post(user, post_id, lock=True)
        try:
            with transaction.atomic():
                PostLike.objects.create(post=post, user=user)
        except IntegrityError:
            return post
        Post.objects.filter(id=post.id).update(like_count=F("like_count") + 1)
        notify.after_commit(notify.notify_like, post_id=post.id, actor_id=user.id)
    post.refresh_from_db(fields=["like_count"])
    return post


def post_unlike(*, user: User, post_id: uuid.UUID) -> Post:
    with transaction.atomic():
        post = visible_post(user, post_id, lock=True)
        if PostLike.objects.filter(post=post, user=user).delete()[0]:
            Post.objects.filter(id=post.id).update(like_count=F("like_count") - 1)
    post.refresh_from_db(fields=["like_count"])
    return post


def comment_add(*, author: User, post_id: uuid.UUID, text: str, parent_id: uuid.UUID | None = None) -> Comment:
    """Comment on a post, or reply to a top-level comment (replies to replies attach to their top comment)."""
    ensure_can_post(author)
    text = text.strip()
    if not text:
        raise ValidationFailed.one("text", "EMPTY_COMMENT", "Write something.")
    with transaction.atomic():
        post = visible_post(author, post_id, lock=True)
        parent = None
        if parent_id:
            parent = Comment.objects.filter(id=parent_id, post=post, deleted_at__isnull=True).first()
            if parent is None:
                raise NotFound("No such comment.", code=PostErrorCode.COMMENT_NOT_FOUND)
            if parent.parent_id:
                parent = Comment.objects.get(id=parent.parent_id)  # one level of replies
        comment = Comment.objects.create(post=post, author=author, parent=parent, text=text)
        Post.objects.filter(id=post.id).update(comment_count=F("comment_count") + 1)
        notify.after_commit(notify.notify_comment, comment_id=comment.id)
    return comment


def comment_delete(*, actor: User, post_id: uuid.UUID, comment_id: uuid.UUID) -> None:
    """The comment's author or the post's author removes a comment."""
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update()
            .select_related("post")
            .filter(id=comment_id, post_id=post_id, deleted_at__isnull=True)
            .first()
        )
        if comment is None:
            raise NotFound("No such comment.", code=PostErrorCode.COMMENT_NOT_FOUND)
        if actor.id not in (comment.author_id, comment.post.author_id):
            raise PermissionDenied(
                "Only the comment's or the post's author can remove it.", code=PostErrorCode.NOT_COMMENT_AUTHOR
            )
        comment_remove(comment=comment)


def comment_remove(*, comment: Comment) -> None:
    """Inside a transaction: mark the comment deleted (the author's or post author's removal, a takedown)."""
    Comment.objects.filter(id=comment.id).update(deleted_at=timezone.now())
    Post.objects.filter(id=comment.post_id).update(comment_count=F("comment_count") - 1)
