"""Posts HTTP API: posts, likes, comments, the home feed and reels."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Query

from loopin.accounts.models import User
from loopin.chat.schemas import SentOut
from loopin.core.auth import CurrentUser
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, links, ok
from loopin.core.pagination import PageParams, run_page
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.posts import selectors, services, sharing
from loopin.posts.schemas import CommentIn, CommentOut, CursorEnvelope, PostEditIn, PostIn, PostOut, ShareIn

posts = APIRouter(prefix="/api/v2/posts", tags=["posts"])
feed = APIRouter(prefix="/api/v2/feed", tags=["posts"])
ERRORS = (401, 403, 404, 422)
_POST = "/api/v2/posts/{post_id}"
POST_LINKS = links(
    201, "post_id", "$response.body#/data/id",
    ("GET", _POST), ("PATCH", _POST), ("DELETE", _POST), ("PUT", _POST + "/like"), ("GET", _POST + "/comments"),
)  # fmt: skip


# The one idiom (issue 20): a write answered with the post calls one of these in its one `run_sync` (one
# service, then the post read back as the caller sees it).


def post_create_and_read(
    *,
    user: User,
    text: str,
    media_ids: list[uuid.UUID],
    visibility: str,
    event_id: uuid.UUID | None,
    tagged_user_ids: list[uuid.UUID],
) -> dict[str, Any]:
    """Post, then read the post back."""
    post = services.post_create(
        author=user,
        text=text,
        media_ids=media_ids,
        visibility=visibility,
        event_id=event_id,
        tagged_user_ids=tagged_user_ids,
    )
    return selectors.post_get(viewer=user, post_id=post.id)


def post_edit_and_read(*, user: User, post_id: uuid.UUID, text: str) -> dict[str, Any]:
    """Edit a post's text, then read it back."""
    services.post_edit(author=user, post_id=post_id, text=text)
    return selectors.post_get(viewer=user, post_id=post_id)


def post_like_and_read(*, user: User, post_id: uuid.UUID) -> dict[str, Any]:
    """Like a post, then read it back."""
    services.post_like(user=user, post_id=post_id)
    return selectors.post_get(viewer=user, post_id=post_id)


def post_unlike_and_read(*, user: User, post_id: uuid.UUID) -> dict[str, Any]:
    """Take a like back, then read the post back."""
    services.post_unlike(user=user, post_id=post_id)
    return selectors.post_get(viewer=user, post_id=post_id)


def comment_add_and_read(*, user: User, post_id: uuid.UUID, text: str, parent_id: uuid.UUID | None) -> dict[str, Any]:
    """Comment, then read the comment back (a new comment has no replies)."""
    comment = services.comment_add(author=user, post_id=post_id, text=text, parent_id=parent_id)
    return {**selectors._comment(comment), "replies": []}


@posts.post("", response_model=Envelope[PostOut], status_code=201, responses={**error_responses(*ERRORS), **POST_LINKS})
async def post_create(body: PostIn, caller: CurrentUser) -> dict[str, Any]:
    """Post text with up to 10 pictures or one video (ids from POST /api/v2/media)."""

    post = await run_sync(
        post_create_and_read,
        user=caller,
        text=body.text,
        media_ids=body.media_ids,
        visibility=body.visibility,
        event_id=body.event_id,
        tagged_user_ids=body.tagged_user_ids,
    )
    return ok(post, "Posted")


@posts.get("/{post_id}", response_model=Envelope[PostOut], responses=error_responses(*ERRORS))
async def post_get(post_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """One post (if I may see it)."""
    return ok(await run_sync(selectors.post_get, viewer=caller, post_id=post_id))


@posts.patch("/{post_id}", response_model=Envelope[PostOut], responses=error_responses(400, *ERRORS))
async def post_edit(post_id: uuid.UUID, body: PostEditIn, caller: CurrentUser) -> dict[str, Any]:
    """Edit my post's text (within 15 minutes of posting)."""

    return ok(await run_sync(post_edit_and_read, user=caller, post_id=post_id, text=body.text), "Post edited")


@posts.delete("/{post_id}", response_model=Envelope[None], responses=error_responses(*ERRORS))
async def post_delete(post_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Delete my post; its pictures and video are erased."""
    await run_sync(services.post_delete, actor=caller, post_id=post_id)
    return ok(None, "Post deleted")


@posts.put("/{post_id}/like", response_model=Envelope[PostOut], responses=error_responses(*ERRORS))
async def post_like(post_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Like a post."""

    return ok(await run_sync(post_like_and_read, user=caller, post_id=post_id), "Liked")


@posts.delete("/{post_id}/like", response_model=Envelope[PostOut], responses=error_responses(*ERRORS))
async def post_unlike(post_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Take my like back."""

    return ok(await run_sync(post_unlike_and_read, user=caller, post_id=post_id), "Like removed")


@posts.post(
    "/{post_id}/share", response_model=Envelope[SentOut], status_code=201, responses=error_responses(400, *ERRORS)
)
async def post_share(post_id: uuid.UUID, body: ShareIn, caller: CurrentUser) -> dict[str, Any]:
    """Send a post to a friend in our 1:1 chat (a message referencing the post); they must be able to see it."""
    sent = await run_sync(
        sharing.post_share,
        user=caller,
        post_id=post_id,
        to_user_id=body.user_id,
        text=body.text,
        client_message_id=body.client_message_id,
    )
    return ok({"message": sent.message, "duplicate": not sent.created}, "Shared" if sent.created else "Already sent")


@posts.get("/{post_id}/comments", response_model=ListEnvelope[CommentOut], responses=error_responses(*ERRORS))
async def comments_list(post_id: uuid.UUID, caller: CurrentUser, page: PageParams) -> dict[str, Any]:
    """Comments on a post, oldest first, each with its replies."""
    return await run_page(selectors.comments_list, page, "OK", viewer=caller, post_id=post_id)


@posts.post(
    "/{post_id}/comments", response_model=Envelope[CommentOut], status_code=201, responses=error_responses(*ERRORS)
)
async def comment_add(post_id: uuid.UUID, body: CommentIn, caller: CurrentUser) -> dict[str, Any]:
    """Comment, or reply to a comment (`parent_id`)."""

    comment = await run_sync(
        comment_add_and_read, user=caller, post_id=post_id, text=body.text, parent_id=body.parent_id
    )
    return ok(comment, "Comment added")


@posts.delete("/{post_id}/comments/{comment_id}", response_model=Envelope[None], responses=error_responses(*ERRORS))
async def comment_delete(post_id: uuid.UUID, comment_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Remove a comment (its author or the post's author)."""
    await run_sync(services.comment_delete, actor=caller, post_id=post_id, comment_id=comment_id)
    return ok(None, "Comment removed")


@feed.get("", response_model=CursorEnvelope[PostOut], responses=error_responses(401, 403, 422))
async def feed_home(
    caller: CurrentUser,
    before: Annotated[str | None, Query(max_length=20, description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> dict[str, Any]:
    """My home feed: friends', followed people's and my posts, newest first (cursor pagination)."""
    items, cursor = await run_sync(selectors.feed_home, viewer=caller, before=before, limit=limit)
    return {"success": True, "message": "OK", "data": items, "meta": {"limit": limit, "next_cursor": cursor}}


@feed.get("/reels", response_model=ListEnvelope[PostOut], responses=error_responses(401, 403, 422))
async def feed_reels(caller: CurrentUser, page: PageParams) -> dict[str, Any]:
    """Videos ranked by recency and engagement."""
    return await run_page(selectors.feed_reels, page, "OK", viewer=caller)


routers = [feed, posts]
