"""What chat asks of the social graph: may these two talk, whom a person's presence is shown to."""

from __future__ import annotations

from typing import Any

FRIENDS = "friends"
STRANGERS = "strangers"
BLOCKED = "blocked"


def relation(a_id: Any, b_id: Any) -> str:
    """friends, strangers (a first message is a request), or blocked (either way: no conversation)."""
    return STRANGERS


def presence_watchers(user_id: Any) -> list[Any]:
    """Who may see this person online / last seen: their friends, if their privacy setting allows."""
    return []


def may_see_presence(*, viewer_id: Any, user_id: Any) -> bool:
    return False
