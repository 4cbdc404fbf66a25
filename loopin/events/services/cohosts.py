"""Co-hosts: people the host runs an event with.

The host adds a person by phone number or handle; they are asked (in-app + push) and get their powers once they
accept (a co-host sees guests and decides who comes, so nobody becomes one unasked). What an accepted co-host may
do is the table `CO_HOST_ACTIONS` in `loopin.events.selectors.access`, checked by `ensure_can_manage` on every
endpoint; money stays with the host. Declining, leaving and removal delete the row, so the powers go at once.
Only the host (or staff allowed `co_hosts`) adds, removes or lets a co-host see guests' phone numbers.
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, ValidationFailed
from loopin.core.settings import get_settings
from loopin.events import signals
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import CoHost, Event, EventStatus
from loopin.events.selectors.access import event_for
from loopin.events.services.access import ensure_can_manage_and_audit
from loopin.events.signals import send_after_commit
from loopin.people.services.lookup import person_to_ask

OPEN_STATUSES = (EventStatus.DRAFT, EventStatus.PUBLISHED, EventStatus.POSTPONED)


def co_host_add(
    *,
    host: User,
    event_id: uuid.UUID,
    phone_number: str | None = None,
    handle: str | None = None,
    can_see_phone_numbers: bool = False,
) -> CoHost:
    """Ask a person (by phone number or handle) to co-host the event; they have powers once they accept."""
    if not phone_number and not handle:
        raise ValidationFailed.one("phone_number", "missing", "Give a phone number or a handle.")
    event = event_for(host, event_id)
    ensure_can_manage_and_audit(host, event, "co_hosts")
    if event.status not in OPEN_STATUSES:
        raise BusinessRuleError(f"This event is {event.status}.", code=EventErrorCode.EVENT_CLOSED)
    person = person_to_ask(asker=host, phone_number=phone_number, handle=handle)
    if person.id == event.host_id:
        raise BusinessRuleError("The host runs the event already.", code=EventErrorCode.CO_HOST_IS_HOST)
    with transaction.atomic():
        Event.objects.select_for_update().filter(id=event.id).first()  # one add at a time counts the limit right
        if CoHost.objects.filter(event=event).count() >= get_settings().EVENT_MAX_CO_HOSTS:
            raise Conflict("This event has as many co-hosts as it may have.", code=EventErrorCode.CO_HOSTS_LIMIT)
        try:
            with transaction.atomic():
                co_host = CoHost.objects.create(
                    event=event, user=person, added_by=host, can_see_phone_numbers=can_see_phone_numbers
                )
        except IntegrityError:
            raise Conflict("This person is already a co-host.", code=EventErrorCode.CO_HOST_EXISTS) from None
        audit_record(
            action="co_host.invited",
            actor=host,
            obj=event,
            subject=person,
            data={"can_see_phone_numbers": can_see_phone_numbers},
        )
        send_after_commit(signals.co_host_invited, co_host_id=co_host.id)
    return co_host


def co_host_update(*, host: User, event_id: uuid.UUID, user_id: uuid.UUID, can_see_phone_numbers: bool) -> CoHost:
    """Let a co-host see guests' phone numbers, or not (host only)."""
    with transaction.atomic():
        event = event_for(host, event_id)
        ensure_can_manage_and_audit(host, event, "co_hosts")
        co_host = CoHost.objects.select_for_update().filter(event=event, user_id=user_id).first()
        if co_host is None:
            raise NotFound("This person is not a co-host of this event.", code=EventErrorCode.CO_HOST_NOT_FOUND)
        if co_host.can_see_phone_numbers != can_see_phone_numbers:
            co_host.can_see_phone_numbers = can_see_phone_numbers
            co_host.save(update_fields=["can_see_phone_numbers"])
            audit_record(
                action="co_host.changed",
                actor=host,
                obj=event,
                subject=co_host.user,
                data={"can_see_phone_numbers": can_see_phone_numbers},
            )
    return co_host


def co_host_respond(*, user: User, event_id: uuid.UUID, accept: bool) -> CoHost | None:
    """The asked person accepts (powers from now on) or declines (the row goes); accepting twice is a no-op."""
    with transaction.atomic():
        co_host = (
            CoHost.objects.select_for_update()
            .select_related("event")
            .filter(event_id=event_id, user=user, event__in=Event.objects.alive())
            .first()
        )
        if co_host is None:
            raise NotFound("You are not asked to co-host this event.", code=EventErrorCode.CO_HOST_NOT_FOUND)
        if not accept:
            co_host.delete()
            audit_record(action="co_host.declined", actor=user, obj=co_host.event, subject=user)
            return None
        if co_host.accepted_at is None:
            if co_host.event.status not in OPEN_STATUSES:
                raise BusinessRuleError(f"This event is {co_host.event.status}.", code=EventErrorCode.EVENT_CLOSED)
            co_host.accepted_at = timezone.now()
            co_host.save(update_fields=["accepted_at"])
            audit_record(action="co_host.accepted", actor=user, obj=co_host.event, subject=user)
    return co_host


def co_host_remove(*, actor: User, event_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """The host removes a co-host (or their invitation), or a co-host leaves; the powers go at once."""
    with transaction.atomic():
        event = Event.objects.alive().filter(id=event_id).first()
        if event is None:
            raise NotFound("Event not found.", code=EventErrorCode.EVENT_NOT_FOUND)
        leaving = user_id == actor.id
        if not leaving:
            event = event_for(actor, event_id)
            ensure_can_manage_and_audit(actor, event, "co_hosts")
        co_host = CoHost.objects.select_for_update().select_related("user").filter(event=event, user_id=user_id).first()
        if co_host is None:
            raise NotFound("This person is not a co-host of this event.", code=EventErrorCode.CO_HOST_NOT_FOUND)
        co_host.delete()
        audit_record(
            action="co_host.left" if leaving else "co_host.removed", actor=actor, obj=event, subject=co_host.user
        )


def co_host_leave(*, user: User, event_id: uuid.UUID) -> None:
    """Stop co-hosting an event (or drop the invitation); the powers end at once."""
    co_host_remove(actor=user, event_id=event_id, user_id=user.id)
