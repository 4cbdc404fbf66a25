"""What other domains add to people's reads, without people importing them.

People sits below events in the import graph (events read blocks and friends), yet a profile shows
events hosted and attended, and search and suggestions rank by events attended together. The events
domain registers one `ActivitySource` here in its AppConfig.ready(); with none registered (tests of
people alone) those parts are zero/empty.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.db.models import Expression, QuerySet, Value

if TYPE_CHECKING:  # annotations only: events imports people, never the reverse
    from loopin.accounts.models import User
    from loopin.events.schemas import EventCardOut


class ActivitySource(Protocol):
    def counts(self, user_id: uuid.UUID) -> dict[str, int]:
        """{"events_hosted": n, "events_attended": n} of one person (one query)."""

    def upcoming_hosted(self, user_id: uuid.UUID, viewer: User | None, limit: int) -> list[EventCardOut]:
        """Upcoming public events the person hosts, as event cards (a fixed number of queries)."""

    def upcoming_attending(self, user_id: uuid.UUID, viewer: User | None, limit: int) -> list[EventCardOut]:
        """Upcoming events the person is going to that the viewer may see, as event cards."""

    def shared_count(self, viewer_id: uuid.UUID) -> Expression:
        """An annotation on a User queryset: events the viewer and that user both attended (OuterRef("pk"))."""

    def co_attendee_ids(self, viewer_id: uuid.UUID) -> QuerySet:
        """A queryset of user ids (values "user_id") who attended an event the viewer attended."""

    def shared_example(self, viewer_id: uuid.UUID, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        """For each user, the title of one event both attended (most recent first; one query)."""


@dataclass
class _Registry:
    source: ActivitySource | None = None


_registry = _Registry()


def register_activity_source(source: ActivitySource) -> None:
    _registry.source = source


def activity() -> ActivitySource | None:
    return _registry.source


def shared_events_annotation(viewer_id: uuid.UUID) -> Any:
    source = activity()
    return source.shared_count(viewer_id) if source else Value(0)
