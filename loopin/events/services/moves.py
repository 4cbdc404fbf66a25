"""Bringing a personal event into an organisation (`event_move`): a host who starts an organisation brings their
events with them.

Only the event's person moves it (its host while it is personal: not co-hosts, not staff), into an organisation
where their role allows `events` (404 ORGANISATION_NOT_FOUND to a non-member, 403 ORGANISATION_ROLE_TOO_SMALL to a
smaller role, as when creating an event there), and only once: an organisation's event never moves again (409
ALREADY_IN_ORGANISATION to whoever manages it now; anyone else gets the 404 a stranger gets). A completed or
cancelled event stays where its money was made (400 EVENT_CLOSED).

Only ownership changes. Orders, tickets, requests, invitations, tiers, co-hosts and door staff stay as they are;
from now on the organisation's members run the event by role and `host` is only the member who created it
(`events.selectors.access`). Invoices already issued keep the person as supplier (they are documents, and their
credit notes follow them); orders paid after the move are invoiced by the organisation. The owner share is paid to
the organisation's account from now on, less what the person was paid before (`payments.payouts.payouts_of_share`).
The host page `/hosts/<id>` lists personal events only, so the event leaves it for the organisation's page (the
event's save drops the cached feed pages, `events.feed_cache`); the chat's hosts grow by the members who may
message guests (`event_moved`, chat listens).
"""

from __future__ import annotations

import uuid

from django.db import transaction

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, NotFound
from loopin.core.models import stamp
from loopin.events import signals
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import Event, EventStatus
from loopin.events.selectors.access import holds_host_power
from loopin.events.signals import send_after_commit
from loopin.organisations.error_codes import OrganisationErrorCode
from loopin.organisations.selectors import organisation_for


def event_move(*, actor: User, event_id: uuid.UUID, organisation_id: uuid.UUID) -> Event:
    """Move the caller's personal event into an organisation where their role allows `events`."""
    with transaction.atomic():
        event = Event.objects.select_for_update().alive().filter(id=event_id).first()
        personal = event is not None and event.organisation_id is None and event.host_id == actor.id
        if event is None or not (personal or (event.organisation_id is not None and holds_host_power(actor, event))):
            raise NotFound("Event not found.", code=EventErrorCode.EVENT_NOT_FOUND)
        if event.organisation_id is not None:
            raise Conflict(
                "This event belongs to an organisation already.", code=OrganisationErrorCode.ALREADY_IN_ORGANISATION
            )
        if event.status in (EventStatus.COMPLETED, EventStatus.CANCELLED):
            raise BusinessRuleError(f"A {event.status} event cannot move.", code=EventErrorCode.EVENT_CLOSED)
        organisation = organisation_for(actor, organisation_id, "events")
        event.organisation = organisation
        # A save, not an update(): its post_save drops the cached feed pages (the cards show the organisation).
        event.save(update_fields=["organisation", "updated_at", *stamp(event, actor, "update")])
        audit_record(action="event.moved", actor=actor, obj=event, data={"from": "personal"})
        send_after_commit(signals.event_moved, event_id=event.id, organisation_id=organisation.id)
    return event
