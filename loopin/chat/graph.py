"""What chat asks of the social graph (loopin.people): may these two talk, whom presence is shown to."""

from __future__ import annotations

import uuid
from typing import Any

from loopin.people.models import Audience
from loopin.people.selectors import are_friends, can_see_presence, friend_ids, is_blocked_between, privacy_of

FRIENDS = "friends"
STRANGERS = "strangers"
BLOCKED = "blocked"


def relation(a_id: uuid.UUID, b_id: uuid.UUID) -> str:
    """friends, strangers (a first message is a request), or blocked (either way: no conversation)."""
    if is_blocked_between(a_id, b_id):
        return BLOCKED
    return FRIENDS if are_friends(a_id, b_id) else STRANGERS


def presence_watchers(user_id: uuid.UUID) -> list[Any]:
    """Who hears this person come online / go offline: their friends, unless the privacy setting says nobody."""
    if privacy_of(user_id).presence_visible_to == Audience.NOBODY:
        return []
    return list(friend_ids(user_id))


def may_see_presence(*, viewer_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    """Friends only, and only if the person's privacy setting allows it; never across a block."""
    if viewer_id == user_id:
        return True
    return are_friends(viewer_id, user_id) and can_see_presence(viewer_id, user_id)
