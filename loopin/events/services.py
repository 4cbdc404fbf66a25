"""Writes for events: venues, the lifecycle, seats, join requests, invitations and attendance."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from loopin.accounts.models import Interest, User
from loopin.audit.services import audit_record
from loopin.config.settings import get_settings
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, PermissionDenied, ValidationFailed
from loopin.core.ids import short_code, url_token
from loopin.core.images import image_extension
from loopin.core.phone import normalize_phone
from loopin.events import signals
from loopin.events.errors import CapacityExceeded, InvalidTransition
from loopin.events.feed_cache import feed_invalidate
from loopin.events.models import (
    AllowedGender,
    Event,
    EventImage,
    EventSlug,
    EventStatus,
    HostLead,
    Invitation,
    InvitationStatus,
    InviteLink,
    JoinMode,
    JoinRequest,
    RequestStatus,
    Venue,
    Visibility,
)
from loopin.events.realtime import seats_changed
from loopin.events.signals import send_after_commit
from loopin.tickets.models import Ticket, TicketSource, TicketStatus
from loopin.tickets.services import ticket_cancel, ticket_issue

MAX_COVER_IMAGES = 3

# ---------------------------------------------------------------- permissions


def ensure_can_host(user: User) -> None:
    if get_settings().HOSTS_REQUIRE_APPROVAL and not (user.is_host or user.is_staff):
        raise PermissionDenied(
            "Only approved hosts can create events. Apply with become-a-host.", code="HOST_APPROVAL_REQUIRED"
        )
    if not user.profile_complete and not user.is_staff:
        raise PermissionDenied("Complete your profile first.", code="PROFILE_INCOMPLETE")


def can_manage(user: User | None, event: Event) -> bool:
    return user is not None and (user.id == event.host_id or user.is_staff)


def ensure_can_manage(user: User, event: Event) -> None:
    if not can_manage(user, event):
        raise PermissionDenied("Only the host can do this.", code="NOT_EVENT_HOST")


def is_visible(user: User | None, event: Event) -> bool:
    """Drafts: the host only. Private events: the host, invitees and ticket holders. Deleted: nobody."""
    if event.deleted_at is not None:
        return False
    if can_manage(user, event):
        return True
    if event.status == EventStatus.DRAFT:
        return False
    if event.visibility == Visibility.PUBLIC:
        return True
    if user is None:
        return False
    return (
        Invitation.objects.filter(event=event, invitee=user).exists()
        or Ticket.objects.filter(event=event, user=user).exists()
    )


def event_for(user: User | None, event_id: uuid.UUID, *, lock: bool = False) -> Event:
    qs = Event.objects.select_related("venue", "host")
    if lock:
        qs = Event.objects.select_for_update()
    event = qs.filter(id=event_id, deleted_at__isnull=True).first()
    if event is None or not is_visible(user, event):
        raise NotFound("Event not found.", code="EVENT_NOT_FOUND")
    return event


def _ensure_profile_complete(user: User) -> None:
    if not user.profile_complete:
        raise PermissionDenied("Complete your profile first.", code="PROFILE_INCOMPLETE")


_GENDER_MAP = {"male": AllowedGender.MALE, "female": AllowedGender.FEMALE, "other": AllowedGender.NON_BINARY}


def ensure_gender_allowed(user: User, event: Event) -> None:
    allowed = event.allowed_genders or [AllowedGender.ALL]
    if AllowedGender.ALL in allowed:
        return
    if _GENDER_MAP.get(user.gender) not in allowed:
        raise BusinessRuleError(
            "This event is limited to other genders.", code="GENDER_RESTRICTED", details={"allowed_genders": allowed}
        )


def _ensure_open_for_guests(event: Event) -> None:
    if event.status != EventStatus.PUBLISHED:
        raise BusinessRuleError(f"This event is {event.status}; it is not taking guests.", code="EVENT_NOT_PUBLISHED")
    if event.has_started:
        raise BusinessRuleError("This event has already started.", code="EVENT_STARTED")


def _ensure_seats_allowed(event: Event, seats: int) -> None:
    if not 1 <= seats <= event.max_seats_per_guest:
        raise BusinessRuleError(
            f"You can take between 1 and {event.max_seats_per_guest} seats at this event.",
            code="TOO_MANY_SEATS",
            details={"max_seats": event.max_seats_per_guest},
        )


# ---------------------------------------------------------------- seats


def seats_take(*, event_id: uuid.UUID, seats: int, people: int = 0) -> None:
    """Take seats in one conditional UPDATE: it cannot oversell, on SQLite or PostgreSQL, with no lock held."""
    taken = (
        Event.objects.filter(id=event_id)
        .filter(Q(capacity=0) | Q(seats_taken__lte=F("capacity") - seats))
        .update(seats_taken=F("seats_taken") + seats, going_count=F("going_count") + people)
    )
    if taken:
        seats_changed(event_id)
    if not taken:
        left = Event.objects.filter(id=event_id).values_list("capacity", "seats_taken").first()
        seats_left = max(left[0] - left[1], 0) if left else 0
        raise CapacityExceeded("There are not enough seats left for this request.", seats_left=seats_left)


def seats_release(*, event_id: uuid.UUID, seats: int, people: int = 0) -> None:
    Event.objects.filter(id=event_id).update(
        seats_taken=F("seats_taken") - seats, going_count=F("going_count") - people
    )
    seats_changed(event_id)


# ---------------------------------------------------------------- venues


@dataclass
class VenueInput:
    name: str
    city: str
    address: str = ""
    country_code: str = "IN"
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    venue_type: str = "indoor"
    capacity: int | None = None


def venue_create(*, user: User, data: VenueInput) -> Venue:
    """Hosts add venues; staff verify them in the admin."""
    ensure_can_host(user)
    with transaction.atomic():
        venue = Venue.objects.create(
            created_by=user,
            name=data.name,
            city=data.city,
            address=data.address,
            country_code=data.country_code.upper(),
            latitude=data.latitude,
            longitude=data.longitude,
            venue_type=data.venue_type,
            capacity=data.capacity,
        )
        audit_record(action="venue.created", actor=user, obj=venue)
    return venue


# ---------------------------------------------------------------- events


@dataclass
class EventInput:
    """Validated event fields (shape rules are in schemas). None means 'not given' on update."""

    title: str | None = None
    description: str | None = None
    venue_id: uuid.UUID | None = None
    location_text: str | None = None
    city: str | None = None
    country_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    start_at: datetime | None = None
    end_at: datetime | None = None
    duration_hours: float | None = None
    capacity: int | None = None
    is_paid: bool | None = None
    ticket_price: Decimal | None = None
    currency: str | None = None
    allow_plus_one: bool | None = None
    allowed_genders: list[str] | None = None
    interest_ids: list[int] | None = None
    cover_image_urls: list[str] | None = None
    join_mode: str | None = None
    visibility: str | None = None
    publish: bool = False
    given: set[str] = field(default_factory=set)


def _city_slug(event: Event) -> str:
    return slugify(event.city) or ("online" if not event.venue_id else "event")


def share_path(event: Event) -> str:
    return f"/{event.country_code.lower()}/{_city_slug(event)}/events/{event.slug}--{event.canonical_id}"


def _remember_slug(event: Event) -> None:
    EventSlug.objects.get_or_create(
        event=event, slug=event.slug, city_slug=_city_slug(event), country=event.country_code.lower()
    )


def _new_canonical_id() -> str:
    return short_code(8).lower()


def _apply_location(event: Event, data: EventInput) -> None:
    if data.venue_id is not None:
        venue = Venue.objects.filter(id=data.venue_id).first()
        if venue is None:
            raise ValidationFailed.one("venue_id", "UNKNOWN_VENUE", "No venue has this id.")
        event.venue = venue
        event.city = venue.city
        event.country_code = venue.country_code
        event.latitude = float(venue.latitude) if venue.latitude is not None else None
        event.longitude = float(venue.longitude) if venue.longitude is not None else None
        if data.location_text is not None:
            event.location_text = data.location_text
        return
    if data.location_text is not None:
        event.venue = None
        event.location_text = data.location_text
    for name in ("city", "country_code", "latitude", "longitude"):
        value = getattr(data, name)
        if value is not None:
            setattr(event, name, value.upper() if name == "country_code" else value)


def _apply_times(event: Event, data: EventInput) -> None:
    if data.start_at is not None:
        duration = event.end_at - event.start_at if event.end_at and event.start_at else None
        event.start_at = data.start_at
        if data.end_at is None and data.duration_hours is None and duration is not None:
            event.end_at = data.start_at + duration  # moving an event keeps its length
    if data.end_at is not None:
        event.end_at = data.end_at
    elif data.duration_hours is not None:
        event.end_at = event.start_at + timedelta(hours=data.duration_hours)
    if event.start_at is None or event.end_at is None:
        raise ValidationFailed.one("end_at", "MISSING", "Give end_at or duration_hours.")
    if event.end_at <= event.start_at:
        raise ValidationFailed.one("end_at", "END_BEFORE_START", "The event must end after it starts.")
    if event.end_at - event.start_at > timedelta(hours=get_settings().EVENT_MAX_DURATION_HOURS):
        raise ValidationFailed.one("end_at", "TOO_LONG", "The event is too long.")


def _apply_pricing(event: Event, data: EventInput) -> None:
    if data.is_paid is not None:
        event.is_paid = data.is_paid
    if data.ticket_price is not None:
        event.ticket_price = data.ticket_price
    if data.currency is not None:
        event.currency = data.currency.upper()
    if event.is_paid and event.ticket_price <= 0:
        raise ValidationFailed.one("ticket_price", "PRICE_REQUIRED", "A paid event needs a ticket price above 0.")
    if not event.is_paid:
        event.ticket_price = Decimal("0.00")


def _interests(ids: list[int]) -> list[Interest]:
    found = {i.id: i for i in Interest.objects.filter(id__in=ids, is_active=True)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed.one(
            "interest_ids", "INVALID_INTEREST", f"Unknown or inactive interest ids: {', '.join(map(str, missing))}."
        )
    return [found[i] for i in ids]


def _set_cover_urls(event: Event, urls: list[str]) -> None:
    old_files = [i.image.name for i in event.images.all() if i.image]
    event.images.all().delete()
    EventImage.objects.bulk_create([EventImage(event=event, position=i, url=u) for i, u in enumerate(urls)])
    transaction.on_commit(lambda: [default_storage.delete(n) for n in old_files])


def event_create(*, host: User, data: EventInput) -> Event:
    """Create an event as a draft, or published straight away with `publish`."""
    ensure_can_host(host)
    if data.venue_id is None and not data.location_text:
        raise ValidationFailed.one("venue_id", "LOCATION_REQUIRED", "Give a venue_id or a location_text.")
    if data.start_at is not None and data.start_at <= timezone.now():
        raise ValidationFailed.one("start_at", "START_IN_PAST", "The event must start in the future.")
    event = Event(
        host=host,
        title=data.title,
        description=data.description or "",
        capacity=data.capacity or 0,
        allow_plus_one=bool(data.allow_plus_one),
        allowed_genders=data.allowed_genders or [AllowedGender.ALL],
        join_mode=data.join_mode or JoinMode.OPEN,
        visibility=data.visibility or Visibility.PUBLIC,
        location_text=data.location_text or "",
        country_code=(data.country_code or "IN").upper(),
    )
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


# Allowed lifecycle moves. Everything else is INVALID_TRANSITION.
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
            raise BusinessRuleError("Move the event to a future time before publishing it.", code="START_IN_PAST")
        event.published_at = event.published_at or now
    if target == EventStatus.COMPLETED and event.start_at > now:
        raise BusinessRuleError("An event can be completed only once it has started.", code="EVENT_NOT_STARTED")
    event.status = target
    event.status_reason = reason
    if target == EventStatus.CANCELLED:
        event.cancelled_at = now
    if target == EventStatus.COMPLETED:
        event.completed_at = now
    event.save(update_fields=["status", "status_reason", "published_at", "cancelled_at", "completed_at", "updated_at"])
    if target == EventStatus.CANCELLED:
        _cancel_guests(event, actor=actor)
    audit_record(action=f"event.{target}", actor=actor, obj=event, data={"from": old, "reason": reason})
    send_after_commit(signals.event_status_changed, event_id=event.id, old=old, new=target, reason=reason)
    if target == EventStatus.PUBLISHED and old == EventStatus.DRAFT:
        send_after_commit(signals.event_published, event_id=event.id)


def _cancel_guests(event: Event, *, actor: User) -> None:
    """A cancelled event voids free tickets and open requests/invitations; paid orders refund in payments."""
    for ticket in Ticket.objects.select_for_update().filter(event=event, status=TicketStatus.VALID):
        if ticket.source != TicketSource.PURCHASE:
            ticket_cancel(ticket=ticket, reason="event_cancelled", actor=actor)
    JoinRequest.objects.filter(event=event, status=RequestStatus.PENDING).update(
        status=RequestStatus.CANCELLED, decided_at=timezone.now()
    )
    Invitation.objects.filter(event=event, status=InvitationStatus.PENDING).update(status=InvitationStatus.REVOKED)


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
        ensure_can_manage(actor, event)
        if new_start_at is not None:
            _reschedule(event, actor=actor, start_at=new_start_at, end_at=new_end_at)
        _transition(event, target, actor=actor, reason=reason)
    return event


def _reschedule(event: Event, *, actor: User, start_at: datetime, end_at: datetime | None) -> dict[str, list[str]]:
    before = {"start_at": event.start_at, "end_at": event.end_at}
    _apply_times(event, EventInput(start_at=start_at, end_at=end_at))
    if event.start_at <= timezone.now():
        raise ValidationFailed.one("start_at", "START_IN_PAST", "The event must start in the future.")
    event.save(update_fields=["start_at", "end_at", "updated_at"])
    return {k: [v.isoformat(), getattr(event, k).isoformat()] for k, v in before.items() if getattr(event, k) != v}


TRACKED_CHANGES = ("start_at", "end_at", "venue_id", "location_text", "city")


def event_update(*, actor: User, event_id: uuid.UUID, data: EventInput) -> Event:
    """Edit an event. Changes of time or place of a published event are recorded and announced."""
    with transaction.atomic():
        event = event_for(actor, event_id, lock=True)
        ensure_can_manage(actor, event)
        if event.status in (EventStatus.COMPLETED, EventStatus.CANCELLED):
            raise BusinessRuleError(f"A {event.status} event cannot be edited.", code="EVENT_CLOSED")
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
                raise BusinessRuleError("The price cannot change once people hold seats.", code="PRICE_LOCKED")
        _apply_pricing(event, data)
        if data.capacity is not None:
            if data.capacity != 0 and data.capacity < event.seats_taken:
                raise ValidationFailed.one(
                    "capacity", "CAPACITY_BELOW_TAKEN", f"{event.seats_taken} seats are already taken."
                )
            event.capacity = data.capacity
        for name in ("allow_plus_one", "allowed_genders", "join_mode", "visibility"):
            value = getattr(data, name)
            if value is not None:
                setattr(event, name, value)
        if data.title is not None and data.title != old_slug_title:
            event.slug = slugify(event.title)[:200] or "event"
        event.save()
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
        ensure_can_manage(actor, event)
        if event.status in (EventStatus.PUBLISHED, EventStatus.POSTPONED) and event.going_count > 0:
            raise Conflict("Cancel the event first: people are going.", code="EVENT_HAS_GUESTS")
        Event.objects.filter(id=event.id).update(deleted_at=timezone.now())
        feed_invalidate()
        audit_record(action="event.deleted", actor=actor, obj=event)


def event_add_cover_images(*, actor: User, event_id: uuid.UUID, uploads: list[tuple[str, bytes]]) -> Event:
    """Upload cover images (JPEG/PNG/WebP, <= 5 MB each, at most 3 per event)."""
    extensions = [image_extension(content, field=f"images[{i}]") for i, (_, content) in enumerate(uploads)]
    with transaction.atomic():
        event = event_for(actor, event_id, lock=True)
        ensure_can_manage(actor, event)
        existing = event.images.count()
        if existing + len(uploads) > MAX_COVER_IMAGES:
            raise ValidationFailed.one(
                "images", "TOO_MANY_IMAGES", f"An event has at most {MAX_COVER_IMAGES} cover images; it has {existing}."
            )
        stored: list[str] = []
        try:
            for i, ((_, content), ext) in enumerate(zip(uploads, extensions, strict=True)):
                name = default_storage.save(f"event-covers/{event.id}/{uuid.uuid4().hex}.{ext}", ContentFile(content))
                stored.append(name)
                EventImage.objects.create(event=event, position=existing + i, image=name)
        except Exception:
            for name in stored:
                default_storage.delete(name)
            raise
        audit_record(action="event.images_added", actor=actor, obj=event, data={"count": len(uploads)})
    return event


def event_remove_cover_image(*, actor: User, event_id: uuid.UUID, image_id: uuid.UUID) -> None:
    with transaction.atomic():
        event = event_for(actor, event_id, lock=True)
        ensure_can_manage(actor, event)
        image = EventImage.objects.filter(id=image_id, event=event).first()
        if image is None:
            raise NotFound("No such cover image.", code="IMAGE_NOT_FOUND")
        name = image.image.name if image.image else ""
        image.delete()
        if name:
            transaction.on_commit(lambda: default_storage.delete(name))
        audit_record(action="event.image_removed", actor=actor, obj=event)


# ---------------------------------------------------------------- host leads


def host_lead_create(
    *, first_name: str, last_name: str, phone_number: str, message: str, user: User | None = None
) -> HostLead:
    """Record someone who wants to host; one lead per phone number."""
    phone = normalize_phone(phone_number)
    try:
        with transaction.atomic():
            lead = HostLead.objects.create(
                first_name=first_name, last_name=last_name, phone_number=phone, message=message, user=user
            )
            audit_record(action="host_lead.created", actor=user, obj=lead)
    except IntegrityError:
        raise Conflict("We already have your request and will be in touch.", code="HOST_LEAD_EXISTS") from None
    return lead


# ---------------------------------------------------------------- join requests


def join_request_create(*, user: User, event_id: uuid.UUID, message: str = "", seats: int = 1) -> JoinRequest:
    """Ask to join an approval event."""
    _ensure_profile_complete(user)
    with transaction.atomic():
        event = event_for(user, event_id)
        if event.host_id == user.id:
            raise BusinessRuleError("You are the host of this event.", code="OWN_EVENT")
        _ensure_open_for_guests(event)
        if event.join_mode == JoinMode.INVITE_ONLY:
            raise BusinessRuleError("This event is invite-only.", code="INVITE_ONLY")
        if event.join_mode == JoinMode.OPEN:
            raise BusinessRuleError("This event is open: confirm your attendance instead.", code="REQUEST_NOT_NEEDED")
        ensure_gender_allowed(user, event)
        _ensure_seats_allowed(event, seats)
        if Ticket.objects.filter(event=event, user=user, status=TicketStatus.VALID).exists():
            raise Conflict("You are already going.", code="ALREADY_GOING")
        try:
            with transaction.atomic():
                req = JoinRequest.objects.create(event=event, user=user, message=message, seats_requested=seats)
        except IntegrityError:
            raise Conflict("You already asked to join this event.", code="REQUEST_EXISTS") from None
        audit_record(action="join_request.created", actor=user, obj=req, data={"event_id": str(event.id)})
        send_after_commit(signals.join_request_created, request_id=req.id)
    return req


def _locked_request(host: User, event_id: uuid.UUID, request_id: uuid.UUID) -> JoinRequest:
    req = (
        JoinRequest.objects.select_for_update()
        .select_related("event", "user")
        .filter(id=request_id, event_id=event_id, event__deleted_at__isnull=True)
        .first()
    )
    if req is None:
        raise NotFound("Request not found.", code="REQUEST_NOT_FOUND")
    ensure_can_manage(host, req.event)
    return req


def _decide(req: JoinRequest, *, host: User, status: str, note: str) -> None:
    req.status = status
    req.host_message = note
    req.decided_at = timezone.now()
    req.decided_by = host
    req.save(update_fields=["status", "host_message", "decided_at", "decided_by", "updated_at"])
    audit_record(action=f"join_request.{status}", actor=host, obj=req, subject=req.user)
    send_after_commit(signals.join_request_decided, request_id=req.id, decision=status)


def _pending_request(host: User, event_id: uuid.UUID, request_id: uuid.UUID) -> JoinRequest:
    req = _locked_request(host, event_id, request_id)
    if req.status != RequestStatus.PENDING:
        raise BusinessRuleError(f"This request is already {req.status}.", code="REQUEST_NOT_PENDING")
    return req


def join_request_accept(*, host: User, event_id: uuid.UUID, request_id: uuid.UUID, note: str = "") -> JoinRequest:
    """Accept a request: on a free event the guest is going with a ticket; on a paid one they may buy."""
    with transaction.atomic():
        req = _pending_request(host, event_id, request_id)
        event = req.event
        if event.status != EventStatus.PUBLISHED:
            raise BusinessRuleError(f"This event is {event.status}.", code="EVENT_NOT_PUBLISHED")
        if not event.is_paid:
            seats_take(event_id=event.id, seats=req.seats_requested)
            ticket_issue(
                event=event,
                user=req.user,
                seats=req.seats_requested,
                source=TicketSource.REQUEST,
                join_request=req,
                actor=host,
            )
        _decide(req, host=host, status=RequestStatus.ACCEPTED, note=note)
    return req


def join_request_decline(*, host: User, event_id: uuid.UUID, request_id: uuid.UUID, note: str = "") -> JoinRequest:
    """Decline a pending request, with an optional note to the requester."""
    with transaction.atomic():
        req = _pending_request(host, event_id, request_id)
        _decide(req, host=host, status=RequestStatus.DECLINED, note=note)
    return req


@dataclass
class BulkResult:
    request_id: uuid.UUID
    ok: bool
    status: str | None = None
    error_code: str | None = None
    error: str | None = None


def join_request_bulk(
    *, host: User, event_id: uuid.UUID, request_ids: list[uuid.UUID], action: str, note: str = ""
) -> list[BulkResult]:
    """Accept or decline up to 100 requests; each succeeds or fails on its own (one transaction each)."""
    from loopin.core.errors import LoopinError

    event = event_for(host, event_id)
    ensure_can_manage(host, event)
    decide = join_request_accept if action == "accept" else join_request_decline
    results = []
    for request_id in request_ids:
        try:
            req = decide(host=host, event_id=event_id, request_id=request_id, note=note)
            results.append(BulkResult(request_id=request_id, ok=True, status=req.status))
        except LoopinError as exc:
            results.append(BulkResult(request_id=request_id, ok=False, error_code=exc.code, error=exc.message))
    return results


def join_request_cancel(*, user: User, event_id: uuid.UUID) -> JoinRequest:
    """The requester withdraws; an accepted request on a free event gives its seats back."""
    with transaction.atomic():
        req = (
            JoinRequest.objects.select_for_update()
            .filter(event_id=event_id, user=user, status__in=[RequestStatus.PENDING, RequestStatus.ACCEPTED])
            .first()
        )
        if req is None:
            raise NotFound("You have no open request for this event.", code="REQUEST_NOT_FOUND")
        for ticket in Ticket.objects.select_for_update().filter(join_request=req, status=TicketStatus.VALID):
            if ticket.source == TicketSource.PURCHASE:
                raise BusinessRuleError(
                    "Cancel your paid ticket instead (refunds follow the event's policy).", code="PAID_TICKET"
                )
            ticket_cancel(ticket=ticket, reason="request_cancelled", actor=user)
        req.status = RequestStatus.CANCELLED
        req.save(update_fields=["status", "updated_at"])
        audit_record(action="join_request.cancelled", actor=user, obj=req)
    return req


# ---------------------------------------------------------------- invitations


def invitations_create(
    *, host: User, event_id: uuid.UUID, user_ids: list[uuid.UUID], message: str = "", expires_at: datetime | None = None
) -> list[Invitation]:
    """Invite people directly (1-50 at once). People already invited or going are skipped."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed.one("expires_at", "IN_THE_PAST", "The expiry must be in the future.")
    with transaction.atomic():
        event = event_for(host, event_id, lock=True)
        ensure_can_manage(host, event)
        if event.status not in (EventStatus.DRAFT, EventStatus.PUBLISHED, EventStatus.POSTPONED):
            raise BusinessRuleError(f"This event is {event.status}.", code="EVENT_CLOSED")
        users = {u.id: u for u in User.objects.filter(id__in=user_ids, is_active=True)}
        missing = [str(i) for i in user_ids if i not in users]
        if missing:
            raise ValidationFailed.one("user_ids", "UNKNOWN_USER", f"Unknown users: {', '.join(missing)}.")
        if event.host_id in users:
            raise ValidationFailed.one("user_ids", "OWN_EVENT", "You cannot invite yourself.")
        busy = set(
            Invitation.objects.filter(
                event=event, invitee_id__in=users, status__in=[InvitationStatus.PENDING, InvitationStatus.GOING]
            ).values_list("invitee_id", flat=True)
        )
        busy |= set(
            Ticket.objects.filter(event=event, user_id__in=users, status=TicketStatus.VALID).values_list(
                "user_id", flat=True
            )
        )
        created = Invitation.objects.bulk_create(
            [
                Invitation(event=event, invitee=users[uid], invited_by=host, message=message, expires_at=expires_at)
                for uid in dict.fromkeys(user_ids)
                if uid not in busy
            ]
        )
        for invitation in created:
            audit_record(action="invitation.created", actor=host, obj=invitation, subject=invitation.invitee)
            send_after_commit(signals.invitation_created, invitation_id=invitation.id)
    return created


def _go(*, user: User, event: Event, invitation: Invitation, seats: int) -> Ticket | None:
    """An invitation answered 'going': a ticket on a free event; the right to buy on a paid one."""
    _ensure_open_for_guests(event)
    ensure_gender_allowed(user, event)
    _ensure_seats_allowed(event, seats)
    if Ticket.objects.filter(event=event, user=user, status=TicketStatus.VALID).exists():
        raise Conflict("You are already going.", code="ALREADY_GOING")
    ticket = None
    if not event.is_paid:
        seats_take(event_id=event.id, seats=seats)
        ticket = ticket_issue(
            event=event, user=user, seats=seats, source=TicketSource.INVITATION, invitation=invitation
        )
    invitation.status = InvitationStatus.GOING
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return ticket


def invitation_respond(*, user: User, invitation_id: uuid.UUID, response: str, seats: int = 1) -> Invitation:
    """Answer an invitation: going (works like an accepted request) or not going."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("event")
            .filter(id=invitation_id, invitee=user, event__deleted_at__isnull=True)
            .first()
        )
        if invitation is None:
            raise NotFound("Invitation not found.", code="INVITATION_NOT_FOUND")
        if invitation.status == InvitationStatus.REVOKED:
            raise BusinessRuleError("This invitation was withdrawn.", code="INVITATION_REVOKED")
        if invitation.is_expired and invitation.status == InvitationStatus.PENDING:
            raise BusinessRuleError("This invitation has expired.", code="INVITATION_EXPIRED")
        if response == "going":
            if invitation.status == InvitationStatus.GOING:
                raise Conflict("You already said you are going.", code="ALREADY_GOING")
            _go(user=user, event=invitation.event, invitation=invitation, seats=seats)
        else:
            for ticket in Ticket.objects.select_for_update().filter(invitation=invitation, status=TicketStatus.VALID):
                if ticket.source == TicketSource.PURCHASE:
                    raise BusinessRuleError("Cancel your paid ticket instead.", code="PAID_TICKET")
                ticket_cancel(ticket=ticket, reason="invitation_declined", actor=user)
            invitation.status = InvitationStatus.NOT_GOING
            invitation.responded_at = timezone.now()
            invitation.save(update_fields=["status", "responded_at"])
        audit_record(action=f"invitation.{response}", actor=user, obj=invitation)
    return invitation


def invite_link_create(
    *, host: User, event_id: uuid.UUID, expires_at: datetime | None = None, max_uses: int | None = None
) -> InviteLink:
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed.one("expires_at", "IN_THE_PAST", "The expiry must be in the future.")
    with transaction.atomic():
        event = event_for(host, event_id)
        ensure_can_manage(host, event)
        link = InviteLink.objects.create(
            event=event, token=url_token(18), created_by=host, expires_at=expires_at, max_uses=max_uses
        )
        audit_record(action="invite_link.created", actor=host, obj=link)
    return link


def invite_link_revoke(*, host: User, event_id: uuid.UUID, link_id: uuid.UUID) -> None:
    with transaction.atomic():
        link = InviteLink.objects.select_related("event").filter(id=link_id, event_id=event_id).first()
        if link is None:
            raise NotFound("Invite link not found.", code="INVITE_LINK_NOT_FOUND")
        ensure_can_manage(host, link.event)
        InviteLink.objects.filter(id=link.id).update(is_active=False)
        audit_record(action="invite_link.revoked", actor=host, obj=link)


def invite_link_redeem(*, user: User, token: str, seats: int = 1) -> Invitation:
    """Use a share link: the caller is invited and going, like an accepted invitation."""
    _ensure_profile_complete(user)
    with transaction.atomic():
        link = InviteLink.objects.select_related("event").filter(token=token).first()
        if link is None or not link.is_active or link.event.deleted_at is not None:
            raise NotFound("This invite link is not valid.", code="INVITE_LINK_INVALID")
        if link.expires_at is not None and link.expires_at <= timezone.now():
            raise BusinessRuleError("This invite link has expired.", code="INVITE_LINK_EXPIRED")
        event = link.event
        if event.host_id == user.id:
            raise BusinessRuleError("You are the host of this event.", code="OWN_EVENT")
        used = (
            InviteLink.objects.filter(id=link.id)
            .filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")))
            .update(uses=F("uses") + 1)
        )
        if not used:
            raise BusinessRuleError("This invite link has been used up.", code="INVITE_LINK_USED_UP")
        invitation = (
            Invitation.objects.select_for_update()
            .filter(event=event, invitee=user, status__in=[InvitationStatus.PENDING, InvitationStatus.GOING])
            .first()
        )
        if invitation is not None and invitation.status == InvitationStatus.GOING:
            raise Conflict("You are already going.", code="ALREADY_GOING")
        if invitation is None:
            invitation = Invitation.objects.create(event=event, invitee=user, invited_by=link.created_by, link=link)
        _go(user=user, event=event, invitation=invitation, seats=seats)
        audit_record(action="invite_link.redeemed", actor=user, obj=invitation, data={"link_id": str(link.id)})
    return invitation


# ---------------------------------------------------------------- attendance


def attendance_confirm(*, user: User, event_id: uuid.UUID, seats: int = 1) -> Ticket:
    """Take seats at a free event: open events, or guests whose request or invitation was accepted."""
    _ensure_profile_complete(user)
    with transaction.atomic():
        event = event_for(user, event_id)
        if event.host_id == user.id:
            raise BusinessRuleError("You are the host of this event.", code="OWN_EVENT")
        _ensure_open_for_guests(event)
        if event.is_paid:
            raise BusinessRuleError("This is a paid event: buy a ticket instead.", code="PAYMENT_REQUIRED")
        _ensure_seats_allowed(event, seats)
        if Ticket.objects.filter(event=event, user=user, status=TicketStatus.VALID).exists():
            raise Conflict("You are already going.", code="ALREADY_GOING")
        accepted = JoinRequest.objects.filter(event=event, user=user, status=RequestStatus.ACCEPTED).first()
        invited = Invitation.objects.filter(event=event, invitee=user, status=InvitationStatus.GOING).first()
        if event.join_mode == JoinMode.APPROVAL and accepted is None and invited is None:
            raise PermissionDenied("The host must accept your request first.", code="REQUEST_NOT_ACCEPTED")
        if event.join_mode == JoinMode.INVITE_ONLY and invited is None:
            raise PermissionDenied("This event is invite-only.", code="INVITE_ONLY")
        if accepted is None and invited is None:
            ensure_gender_allowed(user, event)
        source = TicketSource.REQUEST if accepted else TicketSource.INVITATION if invited else TicketSource.OPEN
        seats_take(event_id=event.id, seats=seats)
        ticket = ticket_issue(
            event=event, user=user, seats=seats, source=source, join_request=accepted, invitation=invited
        )
    return ticket


def attendance_cancel(*, user: User, event_id: uuid.UUID) -> Ticket:
    """Give up a free ticket; its seats go back at once. Paid tickets are cancelled through payments."""
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update()
            .select_related("event")
            .filter(event_id=event_id, user=user, status=TicketStatus.VALID)
            .first()
        )
        if ticket is None:
            raise NotFound("You have no ticket for this event.", code="TICKET_NOT_FOUND")
        if ticket.source == TicketSource.PURCHASE:
            raise BusinessRuleError("Cancel a paid ticket through its order to get a refund.", code="PAID_TICKET")
        if ticket.event.has_started:
            raise BusinessRuleError("The event has already started.", code="EVENT_STARTED")
        return ticket_cancel(ticket=ticket, reason="attendee_cancelled", actor=user)


def share_path_parse(path: str) -> str | None:
    """'/in/mumbai/events/some-title--ab12cd34' -> 'ab12cd34' (old slugs resolve by the stable id)."""
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    if "--" not in tail:
        return None
    return tail.rsplit("--", 1)[1].lower() or None
