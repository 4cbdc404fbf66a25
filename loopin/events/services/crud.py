"""Create, edit and delete an event."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, ValidationFailed
from loopin.core.ids import short_code
from loopin.core.models import stamp
from loopin.events import signals
from loopin.events.error_codes import EventErrorCode
from loopin.events.feed_cache import feed_invalidate
from loopin.events.models import (
    AllowedGender,
    Event,
    EventSlug,
    EventStatus,
    JoinMode,
    RsvpPolicy,
    Visibility,
)
from loopin.events.selectors.access import event_for
from loopin.events.services.access import ensure_can_manage_and_audit, event_for_edit
from loopin.events.services.event_fields import EventInput, _apply_location, _apply_pricing, _apply_times, _interests
from loopin.events.services.images import _set_cover_urls
from loopin.events.services.lifecycle import _transition
from loopin.events.services.rules import ensure_can_host
from loopin.events.share_paths import _city_slug
from loopin.events.signals import send_after_commit
from loopin.organisations.selectors import organisation_for


def _remember_slug(event: Event) -> None:
    EventSlug.objects.get_or_create(
        event=event, slug=event.slug, city_slug=_city_slug(event), country=event.country_code.lower()
    )


def _new_canonical_id() -> str:
    return short_code(8).lower()


def event_create(*, host: User, data: EventInput) -> Event:
    """Create an event as a draft, or published straight away with `publish`; with `organisation_id`, as that
    organisation (the caller's role there must allow `events`; 404 to anyone not a member now)."""
    ensure_can_host(host)
    if data.title is None:  # the schema requires it; a service caller may not
        raise ValidationFailed.one("title", "TITLE_REQUIRED", "Give the event a title.")
    organisation = organisation_for(host, data.organisation_id, "events") if data.organisation_id is not None else None
    if data.venue_id is None and not data.location_text:
        raise ValidationFailed.one("venue_id", "LOCATION_REQUIRED", "Give a venue_id or a location_text.")
    if data.start_at is not None and data.start_at <= timezone.now():
        raise ValidationFailed.one("start_at", "START_IN_PAST", "The event must start in the future.")
    event = Event(
        host=host,
        organisation=organisation,
        title=data.title,
        description=data.description or "",
        capacity=data.capacity or 0,
        allow_plus_one=bool(data.allow_plus_one),
        allowed_genders=data.allowed_genders or [AllowedGender.ALL],
        join_mode=data.join_mode or JoinMode.OPEN,
        visibility=data.visibility or Visibility.PUBLIC,
        rsvp_expiry_policy=data.rsvp_expiry_policy or RsvpPolicy.D7,
        location_text=data.location_text or "",
        country_code=(data.country_code or "IN").upper(),
    )
    stamp(event, host, "create")
    _apply_location(event, data)
    if not event.city and event.venue_id is None and not data.location_text:
        raise ValidationFailed.one("city", "MISSING", "Give the city of a free-text location.")
    _apply_times(event, data)
    _apply_pricing(event, data)
    event.slug = slugify(event.title)[:200] or "event"
    interests = _interests(data.interest_ids or [])
    with transaction.atomic():
        for _ in range(5):
            event.canonical_id = _new_canonical_id()
            try:
                with transaction.atomic():
                    event.save(force_insert=True)
                break
            except IntegrityError:
                if not Event.objects.filter(canonical_id=event.canonical_id).exists():
                    raise
        event.interests.set(interests)
        if data.cover_image_urls:
            _set_cover_urls(event, data.cover_image_urls)
        _remember_slug(event)
        audit_record(action="event.created", actor=host, obj=event)
        if data.publish:
            _transition(event, EventStatus.PUBLISHED, actor=host, reason="")
    return event


TRACKED_CHANGES = ("start_at", "end_at", "venue_id", "location_text", "city")


def event_update(*, actor: User, event_id: uuid.UUID, data: EventInput) -> Event:
    """Edit an event. Changes of time or place of a published event are recorded and announced."""
    with transaction.atomic():
        event = event_for_edit(actor, event_id)
        before = {name: getattr(event, name) for name in TRACKED_CHANGES}
        old_slug_title = event.title
        if data.title is not None:
            event.title = data.title
        if data.description is not None:
            event.description = data.description
        if data.start_at is not None and data.start_at != event.start_at and data.start_at <= timezone.now():
            raise ValidationFailed.one("start_at", "START_IN_PAST", "The event must start in the future.")
        _apply_location(event, data)
        if data.start_at is not None or data.end_at is not None or data.duration_hours is not None:
            _apply_times(event, data)
        if event.status != EventStatus.DRAFT and ({"is_paid", "ticket_price", "currency"} & data.given):
            has_guests = event.going_count > 0 or event.seats_taken > 0
            if has_guests:
                raise BusinessRuleError(
                    "The price cannot change once people hold seats.", code=EventErrorCode.PRICE_LOCKED
                )
        _apply_pricing(event, data)
        raised = False
        if data.capacity is not None:
            if data.capacity != 0 and data.capacity < event.seats_taken:
                raise ValidationFailed.one(
                    "capacity", "CAPACITY_BELOW_TAKEN", f"{event.seats_taken} seats are already taken."
                )
            raised = event.capacity != 0 and (data.capacity == 0 or data.capacity > event.capacity)
            event.capacity = data.capacity
        for name in ("allow_plus_one", "allowed_genders", "join_mode", "visibility", "rsvp_expiry_policy"):
            value = getattr(data, name)
            if value is not None:
                setattr(event, name, value)
        if data.title is not None and data.title != old_slug_title:
            event.slug = slugify(event.title)[:200] or "event"
        stamp(event, actor, "update")
        event.save()
        if raised:
            signals.seats_released.send(sender=None, event_id=event.id, tier_id=None)  # to the waitlist first
        if data.interest_ids is not None:
            event.interests.set(_interests(data.interest_ids))
        if data.cover_image_urls is not None:
            _set_cover_urls(event, data.cover_image_urls)
        _remember_slug(event)
        changes = {
            name: [str(old), str(getattr(event, name))] for name, old in before.items() if getattr(event, name) != old
        }
        audit_record(
            action="event.updated", actor=actor, obj=event, data={"fields": sorted(data.given), "changes": changes}
        )
        if changes and event.status in (EventStatus.PUBLISHED, EventStatus.POSTPONED):
            send_after_commit(signals.event_updated, event_id=event.id, changes=changes)
    return event


def event_delete(*, actor: User, event_id: uuid.UUID) -> None:
    """Soft delete. An event with guests must be cancelled first (which tells them)."""
    with transaction.atomic():
        event = event_for(actor, event_id, lock=True)
        ensure_can_manage_and_audit(actor, event, "delete")
        if event.status in (EventStatus.PUBLISHED, EventStatus.POSTPONED) and event.going_count > 0:
            raise Conflict("Cancel the event first: people are going.", code=EventErrorCode.EVENT_HAS_GUESTS)
        by = {name: actor for name in stamp(event, actor, "delete")}
        Event.objects.filter(id=event.id).update(deleted_at=timezone.now(), **by)
        feed_invalidate()
        audit_record(action="event.deleted", actor=actor, obj=event)
