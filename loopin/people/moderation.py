"""Reportable content: each content package registers how to find, show and take down its objects.

people owns the moderation queue (`Report`), but the content lives in packages that import people (posts,
stories, albums), so people never imports them: each registers a `ContentKind` under its report target type
in its AppConfig.ready(), and the report services and the admin go through `content_kind(target_type)`.

- `find(viewer, object_id)` returns the author's id of an object the viewer may see, or raises the owning
  package's NotFound (missing, removed, or not visible to the viewer: a report is about something one saw).
- `show(object_id)` returns what a moderator sees (text, media rows, a link to its admin page), or None when
  the object is gone.
- `take_down(object_id)` removes the object through the package's own removal (media erased), inside the
  caller's transaction; False when it was already gone.

The posting check (`ensure_can_post`) is here too: a person whose content was taken down too often may not
post, comment, add a story or album photos until their posting suspension ends.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from loopin.core.errors import PermissionDenied, ValidationFailed
from loopin.people.error_codes import PeopleErrorCode
from loopin.people.models import PostingSuspension

if TYPE_CHECKING:
    from loopin.accounts.models import User


@dataclass(frozen=True)
class ContentView:
    """What the moderation queue shows of a reported object."""

    label: str  # "Post", "Comment", ...
    author_id: uuid.UUID
    text: str = ""
    media: list[Any] = field(default_factory=list)  # media.Media rows
    admin_url: str = ""


@dataclass(frozen=True)
class ContentKind:
    label: str
    find: Callable[[Any, uuid.UUID], uuid.UUID]
    show: Callable[[uuid.UUID], ContentView | None]
    take_down: Callable[[uuid.UUID], bool]


_kinds: dict[str, ContentKind] = {}


def register_content(target_type: str, kind: ContentKind) -> None:
    """Called from a content package's AppConfig.ready(); registering a type again replaces it."""
    _kinds[target_type] = kind


def content_kind(target_type: str) -> ContentKind | None:
    return _kinds.get(target_type)


def content_types() -> list[str]:
    return sorted(_kinds)


def object_id(target_id: str) -> uuid.UUID:
    """A content report's target id, which is a UUID for every registered kind."""
    try:
        return uuid.UUID(target_id)
    except ValueError:
        raise ValidationFailed.one("target_id", "INVALID_TARGET_ID", "Send the id of the thing reported.") from None


def posting_suspended_until(user: User) -> Any | None:
    """When the person's posting suspension ends, or None when they may post."""
    return (
        PostingSuspension.objects.filter(user_id=user.id, until__gt=timezone.now())
        .values_list("until", flat=True)
        .first()
    )


def ensure_can_post(user: User) -> None:
    """Refuse new posts, comments, stories and album photos during a posting suspension (403)."""
    until = posting_suspended_until(user)
    if until is not None:
        raise PermissionDenied(
            "Some of your posts were taken down for breaking the community guidelines; "
            "you can post again when the suspension ends.",
            code=PeopleErrorCode.POSTING_SUSPENDED,
            details={"until": until.isoformat()},
        )
