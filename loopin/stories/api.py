"""Stories HTTP API: post, rings, views, viewers, replies in chat, close friends."""

from __future__ import annotations

import uuid
from typing import Any

from loopin.accounts.models import User
from loopin.chat.schemas import SentOut
from loopin.core.auth import CurrentUser
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, ok
from loopin.core.pagination import PageParams, run_page
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.media.selectors import media_data
from loopin.stories import replies, selectors, services
from loopin.stories.schemas import CloseFriendsIn, RingOut, StoryIn, StoryOut, StoryReplyIn, ViewerOut

stories = APIRouter(prefix="/api/v2/stories", tags=["stories"])
me = APIRouter(prefix="/api/v2/me", tags=["stories"])
ERRORS = (401, 403, 404, 422)


def _story(story: Any, *, seen: bool) -> dict[str, Any]:
    return {
        "id": story.id,
        "media": media_data(story.media),
        "audience": story.audience,
        "created_at": story.created_at,
        "expires_at": story.expires_at,
        "seen": seen,
    }


def story_create_and_read(*, user: User, media_id: uuid.UUID, audience: str) -> dict[str, Any]:
    """Post a story, then read it back (its author has seen it)."""
    return _story(services.story_create(author=user, media_id=media_id, audience=audience), seen=True)


def story_view_and_read(*, user: User, story_id: uuid.UUID) -> dict[str, Any]:
    """Mark a story seen, then read it back."""
    return _story(services.story_view(viewer=user, story_id=story_id), seen=True)


@stories.post("", response_model=Envelope[StoryOut], status_code=201, responses=error_responses(*ERRORS))
async def story_create(body: StoryIn, caller: CurrentUser) -> dict[str, Any]:
    """Post a story for 24 hours."""

    story = await run_sync(story_create_and_read, user=caller, media_id=body.media_id, audience=body.audience)
    return ok(story, "Story posted")


@stories.post(
    "/{story_id}/reply", response_model=Envelope[SentOut], status_code=201, responses=error_responses(400, *ERRORS)
)
async def story_reply(story_id: uuid.UUID, body: StoryReplyIn, caller: CurrentUser) -> dict[str, Any]:
    """Reply to a story: a message referencing it in my 1:1 conversation with its author."""
    sent = await run_sync(
        replies.story_reply,
        viewer=caller,
        story_id=story_id,
        text=body.text,
        client_message_id=body.client_message_id,
    )
    return ok({"message": sent.message, "duplicate": not sent.created}, "Sent" if sent.created else "Already sent")


@stories.get("", response_model=Envelope[list[RingOut]], responses=error_responses(401, 403))
async def story_rings(caller: CurrentUser) -> dict[str, Any]:
    """Story rings: mine first, then people with unseen stories, newest first."""
    return ok(await run_sync(selectors.story_rings, viewer=caller))


@stories.post("/{story_id}/view", response_model=Envelope[StoryOut], responses=error_responses(*ERRORS))
async def story_view(story_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """I saw this story."""

    return ok(await run_sync(story_view_and_read, user=caller, story_id=story_id), "Seen")


@stories.get("/{story_id}/viewers", response_model=ListEnvelope[ViewerOut], responses=error_responses(*ERRORS))
async def story_viewers(story_id: uuid.UUID, caller: CurrentUser, page: PageParams) -> dict[str, Any]:
    """Who saw my story."""
    return await run_page(selectors.story_viewers, page, "OK", author=caller, story_id=story_id)


@stories.delete("/{story_id}", response_model=Envelope[None], responses=error_responses(*ERRORS))
async def story_delete(story_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Delete my story (its media and views go too)."""
    await run_sync(services.story_delete, author=caller, story_id=story_id)
    return ok(None, "Story deleted")


@me.put("/close-friends", response_model=Envelope[list[uuid.UUID]], responses=error_responses(401, 403, 422))
async def close_friends_set(body: CloseFriendsIn, caller: CurrentUser) -> dict[str, Any]:
    """Replace my close-friends list (who sees my close-friends stories)."""
    return ok(await run_sync(services.close_friends_set, owner=caller, user_ids=body.user_ids), "Close friends saved")


routers = [stories, me]
