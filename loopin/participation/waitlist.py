"""The waitlist of a sold-out event or tier: join (position shown), leave, and the offers that pass freed seats on.

A freed seat (a hold expired, a cancellation, a refund, a raised capacity) is held at once for the first person
in line whose tier has room: `seats_release` sends `seats_released` inside its transaction and
`waitlist_offer_next` takes the seat back for that person (the same conditional UPDATEs as any seat, while the
event's row is still locked by the release), so nobody else can take a freed seat first and each goes to exactly
one person. The offer is held WAITLIST_OFFER_MINUTES; confirming or buying in time takes the held seats over
(`waitlist_hold_take_over`); otherwise `waitlist_offers_expire_due` gives them back, which offers them to the next.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, QuerySet, UUIDField
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.compiled import CompiledInstances, first
from loopin.core.errors import Conflict, NotFound
from loopin.core.settings import get_settings
from loopin.events import signals
from loopin.events.models import (
    ACTIVE_WAITLIST,
    Event,
    EventStatus,
    TicketTier,
    WaitlistEntry,
    WaitlistStatus,
)
from loopin.events.selectors.access import event_for
from loopin.events.services.access import ensure_can_manage_and_audit
from loopin.events.signals import send_after_commit
from loopin.events.tiers import TierState, tier_state
from loopin.participation.error_codes import ParticipationErrorCode
from loopin.participation.errors import CapacityExceeded, TierSoldOut
from loopin.participation.rules import Way, ensure_may_take_part, ensure_profile_complete, tier_pick
from loopin.participation.seats import seats_release, seats_take
from loopin.participation.sold_out import sold_out_holder


def waitlist_position(entry: WaitlistEntry) -> int | None:
    """1 for the first in line (among everyone waiting for the event); None once no longer waiting."""
    if entry.status != WaitlistStatus.WAITING:
        return None
    ahead = WaitlistEntry.objects.filter(
        event_id=entry.event_id, status=WaitlistStatus.WAITING, created_at__lt=entry.created_at
    ).count()
    return ahead + 1


def _sold_out(event: Event, tier: TicketTier) -> bool:
    return tier_state(tier, event, unlocked=True) == TierState.SOLD_OUT


def waitlist_join(
    *, user: User, event_id: uuid.UUID, seats: int = 1, tier_id: uuid.UUID | None = None, unlock_code: str = ""
) -> WaitlistEntry:
    """Join the waitlist of a sold-out event or tier (409 NOT_SOLD_OUT while seats can be had)."""
    ensure_profile_complete(user)
    with transaction.atomic():
        event = event_for(user, event_id)
        tier = tier_pick(event, tier_id, unlock_code=unlock_code)
        way = Way.BUY if event.is_paid else Way.CONFIRM
        admission = ensure_may_take_part(user=user, event=event, seats=seats, way=way, tier=tier)
        chosen = admission.tier
        assert chosen is not None  # the rules always choose one
        if not _sold_out(event, chosen):
            raise Conflict(
                "Seats are still to be had: take one instead.",
                code=ParticipationErrorCode.NOT_SOLD_OUT,
                details={"tier_id": str(chosen.id)},
            )
        try:
            with transaction.atomic():
                entry = WaitlistEntry.objects.create(event=event, tier=chosen, user=user, seats=seats)
        except IntegrityError:
            raise Conflict(
                "You are already on this event's waitlist.", code=ParticipationErrorCode.ALREADY_WAITING
            ) from None
        audit_record(action="waitlist.joined", actor=user, obj=entry, data={"event_id": str(event.id)})
    return entry


def waitlist_leave(*, user: User, event_id: uuid.UUID) -> WaitlistEntry:
    """Leave the waitlist; seats held by an offer go back (and on to the next in line)."""
    with transaction.atomic():
        Event.objects.select_for_update().filter(id=event_id).first()  # the event before the entry, as offers do
        entry = (
            WaitlistEntry.objects.select_for_update()
            .filter(event_id=event_id, user=user, status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED])
            .first()
        )
        if entry is None:
            raise NotFound("You are not on this event's waitlist.", code=ParticipationErrorCode.NOT_WAITING)
        _end(entry, WaitlistStatus.LEFT)
        audit_record(action="waitlist.left", actor=user, obj=entry, data={"event_id": str(event_id)})
    return entry


def _end(entry: WaitlistEntry, status: str) -> None:
    held = WaitlistEntry.objects.filter(id=entry.id, seats_held=True).update(seats_held=False, status=status)
    if not held:
        WaitlistEntry.objects.filter(id=entry.id, status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]).update(
            status=status
        )
    entry.status, entry.seats_held = status, False
    if held:
        seats_release(event_id=entry.event_id, seats=entry.seats, tier_id=entry.tier_id)


def waitlist_offer_next(*, event_id: uuid.UUID, limit: int = 50) -> int:
    """Hold freed seats for the people first in line whose tier has room; returns how many were offered.

    Runs inside the transaction that freed the seats (or its own): the event row is locked first, so offers of
    one event are made one at a time and each freed seat goes to exactly one person.
    """
    made = 0
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(id=event_id).first()
        if event is None or event.status != EventStatus.PUBLISHED or event.has_started:
            return 0
        minutes = get_settings().WAITLIST_OFFER_MINUTES
        waiting = WaitlistEntry.objects.select_for_update().filter(event_id=event_id, status=WaitlistStatus.WAITING)
        for entry in list(waiting[:limit]):
            try:
                seats_take(event_id=event_id, seats=entry.seats, tier_id=entry.tier_id)
            except TierSoldOut:
                continue  # that tier is still full: the next in line may want another
            except CapacityExceeded:
                break  # the event is full: nothing more to offer
            now = timezone.now()
            WaitlistEntry.objects.filter(id=entry.id).update(
                status=WaitlistStatus.OFFERED,
                seats_held=True,
                offered_at=now,
                offer_expires_at=now + timedelta(minutes=minutes),
                updated_at=now,
            )
            sold_out_holder(event_id=event_id, user_id=entry.user_id)  # they may buy while the event is full
            audit_record(action="waitlist.offered", obj=entry, subject=entry.user, data={"event_id": str(event_id)})
            send_after_commit(signals.waitlist_offered, entry_id=entry.id)
            made += 1
    return made


def _live_offers(event_id: uuid.UUID, user_id: uuid.UUID, now: datetime) -> QuerySet[WaitlistEntry]:
    """The person's offers for the event with their seats held and time left at `now`."""
    return WaitlistEntry.objects.filter(
        event_id=event_id,
        user_id=user_id,
        status=WaitlistStatus.OFFERED,
        seats_held=True,
        offer_expires_at__gt=now,
    )


# Read on every hold (issue 22): compiled once, not built and compiled by the ORM on each call.
OFFER_OF = CompiledInstances(
    WaitlistEntry,
    lambda event_id, user_id, now: first(_live_offers(event_id, user_id, now)),
    related=(),
    slots={"event_id": UUIDField(), "user_id": UUIDField(), "now": DateTimeField()},
)


def waitlist_offer_of(*, user: User, event: Event) -> WaitlistEntry | None:
    """The person's live offer for the event (seats held for them, in time), if any."""
    offer: WaitlistEntry | None = OFFER_OF.instance(event_id=event.id, user_id=user.id, now=timezone.now())
    return offer


def waitlist_hold_take_over(*, entry: WaitlistEntry, seats: int) -> bool:
    """Confirming or buying on an offer: its held seats become the ticket's or the order's (exactly once).

    A different seat count takes or gives back the difference. Call inside the caller's transaction."""
    if not WaitlistEntry.objects.filter(id=entry.id, seats_held=True, status=WaitlistStatus.OFFERED).update(
        seats_held=False, status=WaitlistStatus.CONVERTED
    ):
        return False
    if seats > entry.seats:
        seats_take(event_id=entry.event_id, seats=seats - entry.seats, tier_id=entry.tier_id)
    elif seats < entry.seats:
        seats_release(event_id=entry.event_id, seats=entry.seats - seats, tier_id=entry.tier_id)
    return True


def waitlist_offers_due(now: datetime) -> QuerySet[WaitlistEntry]:
    """Offers whose time ran out with their seats still held."""
    return WaitlistEntry.objects.filter(status=WaitlistStatus.OFFERED, seats_held=True, offer_expires_at__lte=now)


def waitlist_offers_expire_due(*, event_id: uuid.UUID | None = None, limit: int = 500) -> int:
    """Offers not taken in time give their seats back, which offers them to the next in line (beat: every minute)."""
    due = waitlist_offers_due(timezone.now())
    if event_id is not None:
        due = due.filter(event_id=event_id)
    ended = 0
    for entry in list(due[:limit]):
        with transaction.atomic():
            Event.objects.select_for_update().filter(id=entry.event_id).first()
            locked = WaitlistEntry.objects.select_for_update().filter(id=entry.id, seats_held=True).first()
            if locked is None:
                continue
            _end(locked, WaitlistStatus.EXPIRED)
            audit_record(action="waitlist.expired", obj=locked, subject=locked.user)
            ended += 1
    return ended


def waitlist_entry_mine(*, user: User, event_id: uuid.UUID) -> tuple[WaitlistEntry, int | None]:
    """The caller's latest waitlist entry for the event and their place, after lapsed offers have passed on (so
    the place or offer shown is current); 404 NOT_WAITING when they never joined."""
    event = event_for(user, event_id)
    waitlist_offers_expire_due(event_id=event.id)
    entry = (
        WaitlistEntry.objects.select_related("tier")
        .filter(event_id=event.id, user=user)
        .order_by("-created_at")
        .first()
    )
    if entry is None:
        raise NotFound("You are not on this event's waitlist.", code=ParticipationErrorCode.NOT_WAITING)
    return entry, waitlist_position(entry)


def waitlist_line(*, host: User, event_id: uuid.UUID) -> list[tuple[WaitlistEntry, int | None]]:
    """The host's view of the line, first first, after lapsed offers have passed on: each active entry with its
    place among those waiting (None for an entry holding an offer)."""
    event = event_for(host, event_id)
    ensure_can_manage_and_audit(host, event, "view_attendees")  # the host, co-hosts, staff who may see the guest list
    waitlist_offers_expire_due(event_id=event.id)
    rows = WaitlistEntry.objects.select_related("tier", "user").filter(event_id=event.id, status__in=ACTIVE_WAITLIST)
    line: list[tuple[WaitlistEntry, int | None]] = []
    place = 0
    for entry in rows:
        waiting = entry.status == WaitlistStatus.WAITING
        place += waiting
        line.append((entry, place if waiting else None))
    return line


def waitlist_close(*, event_id: uuid.UUID) -> int:
    """An event that will not sell (cancelled, started): the line ends and held seats go back (no new offers)."""
    with transaction.atomic():
        held = list(WaitlistEntry.objects.select_for_update().filter(event_id=event_id, seats_held=True))
        for entry in held:
            WaitlistEntry.objects.filter(id=entry.id, seats_held=True).update(
                seats_held=False, status=WaitlistStatus.EXPIRED
            )
            seats_release(event_id=event_id, seats=entry.seats, tier_id=entry.tier_id)
        return WaitlistEntry.objects.filter(event_id=event_id, status=WaitlistStatus.WAITING).update(
            status=WaitlistStatus.EXPIRED
        ) + len(held)


def _on_seats_released(sender: Any, event_id: uuid.UUID, **kwargs: Any) -> None:
    if WaitlistEntry.objects.filter(event_id=event_id, status=WaitlistStatus.WAITING).exists():
        waitlist_offer_next(event_id=event_id)


def _on_event_status_changed(sender: Any, event_id: uuid.UUID, new: str, **kwargs: Any) -> None:
    if new in (EventStatus.CANCELLED, EventStatus.COMPLETED):
        waitlist_close(event_id=event_id)


def connect_signals() -> None:
    signals.seats_released.connect(_on_seats_released, dispatch_uid="participation.waitlist_offers")
    signals.event_status_changed.connect(_on_event_status_changed, dispatch_uid="participation.waitlist_close")
