"""The event state machine: publish, postpone, cancel, complete (and a reschedule on the way)."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, ValidationFailed
from loopin.core.models import stamp
from loopin.events import signals
from loopin.events.error_codes import EventErrorCode
from loopin.events.errors import InvalidTransition
from loopin.events.models import (
    Event,
    EventStatus,
)
from loopin.events.selectors.access import event_for
from loopin.events.services.access import ensure_can_manage_and_audit
from loopin.events.services.event_fields import EventInput, _apply_times
from loopin.events.signals import send_after_commit

TRANSITIONS: dict[str, set[str]] = {
    EventStatus.DRAFT: {EventStatus.PUBLISHED, EventStatus.CANCELLED},
    EventStatus.PUBLISHED: {EventStatus.POSTPONED, EventStatus.CANCELLED, EventStatus.COMPLETED},
    EventStatus.POSTPONED: {EventStatus.PUBLISHED, EventStatus.CANCELLED},
    EventStatus.COMPLETED: set(),
    EventStatus.CANCELLED: set(),
}


def _transition(event: Event, target: str, *, actor: User, reason: str) -> None:
    old = event.status
    if target not in TRANSITIONS[old]:
        raise InvalidTransition(old, target)
    now = timezone.now()
    if target == EventStatus.PUBLISHED:
        if event.start_at <= now:
            raise BusinessRuleError(
                "Move the event to a future time before publishing it.", code=EventErrorCode.START_IN_PAST
            )
        event.published_at = event.published_at or now
    if target == EventStatus.COMPLETED and event.start_at > now:
        raise BusinessRuleError(
            "An event can be completed only once it has started.", code=EventErrorCode.EVENT_NOT_STARTED
        )
    event.status = target
    event.status_reason = reason
    if target == EventStatus.CANCELLED:
        event.cancelled_at = now
    if target == EventStatus.COMPLETED:
        event.completed_at = now
    event.save(
        update_fields=[
            "status",
            "status_reason",
            "published_at",
            "cancelled_at",
            "completed_at",
            "updated_at",
            *stamp(event, actor, "update"),
        ]
    )
    if target == EventStatus.CANCELLED:  # participation ends the guests' tickets, requests and invitations
        signals.event_cancelling.send(sender=None, event_id=event.id, actor=actor)
    audit_record(action=f"event.{target}", actor=actor, obj=event, data={"from": old, "reason": reason})
    send_after_commit(signals.event_status_changed, event_id=event.id, old=old, new=target, reason=reason)
    if target == EventStatus.PUBLISHED and old == EventStatus.DRAFT:
        send_after_commit(signals.event_published, event_id=event.id)


def event_transition(
    *,
    actor: User,
    event_id: uuid.UUID,
    target: str,
    reason: str = "",
    new_start_at: datetime | None = None,
    new_end_at: datetime | None = None,
) -> Event:
    """Publish, postpone, cancel or complete an event (host or staff)."""
    with transaction.atomic():
        event = event_for(actor, event_id, lock=True)
        ensure_can_manage_and_audit(actor, event, "cancel" if target == EventStatus.CANCELLED else "change")
        if new_start_at is not None:
            _reschedule(event, actor=actor, start_at=new_start_at, end_at=new_end_at)
        _transition(event, target, actor=actor, reason=reason)
    return event


def _reschedule(event: Event, *, actor: User, start_at: datetime, end_at: datetime | None) -> dict[str, list[str]]:
    before = {"start_at": event.start_at, "end_at": event.end_at}
    _apply_times(event, EventInput(start_at=start_at, end_at=end_at))
    if event.start_at <= timezone.now():
        raise ValidationFailed.one("start_at", "START_IN_PAST", "The event must start in the future.")
    event.save(update_fields=["start_at", "end_at", "updated_at", *stamp(event, actor, "update")])
    return {k: [v.isoformat(), getattr(event, k).isoformat()] for k, v in before.items() if getattr(event, k) != v}
