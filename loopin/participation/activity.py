"""What events add to people's profiles, search and suggestions (registered in ParticipationConfig.ready as
people's activity source; see loopin.people.activity). Attended: a valid ticket for an event that began."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Count, Expression, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from loopin.accounts.models import User
from loopin.events.models import Event, EventStatus, Visibility
from loopin.events.schemas import EventCardOut
from loopin.events.selectors.feed import _card_queryset
from loopin.tickets.models import Ticket, TicketStatus

SHOWN = [EventStatus.PUBLISHED, EventStatus.POSTPONED, EventStatus.COMPLETED]


def _attended() -> QuerySet[Ticket]:
    return Ticket.objects.filter(
        status=TicketStatus.VALID, event__in=Event.objects.alive(), event__start_at__lte=timezone.now()
    )


def _count(qs: QuerySet[Any, Any], field: str) -> Coalesce:
    counted = qs.order_by().values(field).annotate(n=Count("pk", distinct=True)).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _personally_hosted() -> QuerySet[Event, Event]:
    """A person's own events (an organisation's are the organisation's, counted and shown on its page)."""
    return Event.objects.alive().filter(organisation__isnull=True, status__in=SHOWN)


class EventsActivity:
    def counts(self, user_id: uuid.UUID) -> dict[str, int]:
        row = (
            User.objects.filter(pk=user_id)
            .annotate(
                hosted=_count(_personally_hosted().filter(host_id=OuterRef("pk")), "host_id"),
                attended=_count(_attended().filter(user_id=OuterRef("pk")), "user_id"),
            )
            .values("hosted", "attended")
            .first()
        ) or {"hosted": 0, "attended": 0}
        return {"events_hosted": row["hosted"], "events_attended": row["attended"]}

    def upcoming_hosted(self, user_id: uuid.UUID, viewer: User | None, limit: int) -> list[EventCardOut]:
        qs = _card_queryset(viewer).filter(
            host_id=user_id,
            organisation__isnull=True,  # an organisation's events are on its page, not its members'
            status=EventStatus.PUBLISHED,
            visibility=Visibility.PUBLIC,
            start_at__gt=timezone.now(),
        )
        return [EventCardOut.from_model(e) for e in qs.order_by("start_at", "id")[:limit]]

    def upcoming_attending(self, user_id: uuid.UUID, viewer: User | None, limit: int) -> list[EventCardOut]:
        going = Ticket.objects.filter(user_id=user_id, status=TicketStatus.VALID).values("event_id")
        qs = _card_queryset(viewer).filter(
            id__in=going, status=EventStatus.PUBLISHED, visibility=Visibility.PUBLIC, start_at__gt=timezone.now()
        )
        return [EventCardOut.from_model(e) for e in qs.order_by("start_at", "id")[:limit]]

    def shared_count(self, viewer_id: uuid.UUID) -> Expression:
        mine = _attended().filter(user_id=viewer_id).values("event_id")
        return _count(_attended().filter(user_id=OuterRef("pk"), event_id__in=mine), "user_id")

    def co_attendee_ids(self, viewer_id: uuid.UUID) -> QuerySet[Ticket, Any]:
        mine = _attended().filter(user_id=viewer_id).values("event_id")
        return _attended().filter(event_id__in=mine).values("user_id")

    def shared_example(self, viewer_id: uuid.UUID, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not user_ids:
            return {}
        mine = _attended().filter(user_id=viewer_id).values("event_id")
        rows = (
            _attended()
            .filter(user_id__in=user_ids, event_id__in=mine)
            .order_by("user_id", "-event__start_at")
            .values_list("user_id", "event__title")
        )
        found: dict[uuid.UUID, str] = {}
        for user_id, title in rows:
            found.setdefault(user_id, title)
        return found
