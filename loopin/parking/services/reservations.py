"""Quotes and reservations: a guest asks for a price (kept QUOTE_MINUTES), reserves with it (a space held
for PAYMENT_HOLD_MINUTES while paying, or confirmed at once when free), and can cancel.

A space is taken by one conditional UPDATE of the (lot, event) inventory (`spaces_taken < spaces`), so no
number of concurrent reservations can take more spaces than the lot has, on SQLite or PostgreSQL. Every
release (expiry, cancellation) is a conditional UPDATE of the reservation's status first, so a space is
given back exactly once.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, PermissionDenied
from loopin.core.settings import get_settings
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import Event, EventStatus
from loopin.events.selectors.access import event_for
from loopin.parking.error_codes import ParkingErrorCode
from loopin.parking.models import (
    LIVE,
    ParkingInventory,
    ParkingLot,
    ParkingQuote,
    ParkingReservation,
    ReservationStatus,
)
from loopin.parking.pricing import price_for
from loopin.tickets.models import Ticket, TicketStatus

QUOTE_MINUTES = 10


def parkable_event(user: User, event_id: uuid.UUID) -> Event:
    """The event if parking can still be reserved for it: visible, published (or postponed), not over."""
    event = event_for(user, event_id)
    if (
        event.status not in (EventStatus.PUBLISHED, EventStatus.POSTPONED)
        or event.end_at <= timezone.now()
        or event.venue_id is None
    ):
        raise BusinessRuleError(code=ParkingErrorCode.EVENT_NOT_PARKABLE)
    return event


def ensure_guest(user: User, event: Event) -> None:
    if not Ticket.objects.filter(event=event, user=user, status=TicketStatus.VALID).exists():
        raise PermissionDenied("Only a guest with a valid ticket can reserve parking.", code=EventErrorCode.NOT_A_GUEST)


def lot_at(event: Event, lot_id: uuid.UUID) -> ParkingLot:
    lot = (
        ParkingLot.objects.filter(id=lot_id, venue_id=event.venue_id, is_active=True).first()
        if event.venue_id is not None  # an event with no venue has no lots
        else None
    )
    if lot is None:
        raise NotFound(code=ParkingErrorCode.LOT_NOT_FOUND)
    return lot


def spaces_taken(lot: ParkingLot, event: Event) -> int:
    taken = ParkingInventory.objects.filter(lot=lot, event=event).values_list("spaces_taken", flat=True).first()
    return taken or 0


def parking_quote(*, user: User, event_id: uuid.UUID, lot_id: uuid.UUID) -> ParkingQuote:
    """The price of a space for this event now, kept for QUOTE_MINUTES: reserving with it pays exactly this."""
    event = parkable_event(user, event_id)
    ensure_guest(user, event)
    lot = lot_at(event, lot_id)
    now = timezone.now()
    taken = spaces_taken(lot, event)
    if taken >= lot.spaces:
        raise Conflict(code=ParkingErrorCode.PARKING_FULL)
    quote = price_for(
        lot, list(lot.bands.all()), spaces_taken=taken, event_start=event.start_at, event_end=event.end_at, now=now
    )
    window_start = event.start_at - timedelta(minutes=lot.opens_minutes_before)
    window_end = event.end_at + timedelta(minutes=lot.closes_minutes_after)
    return ParkingQuote.objects.create(
        lot=lot,
        event=event,
        user=user,
        currency=quote.currency,
        price=quote.price,
        breakdown=quote.breakdown,
        reserved_from=window_start,
        reserved_until=window_end,
        expires_at=now + timedelta(minutes=QUOTE_MINUTES),
    )


def _inventory(lot: ParkingLot, event: Event) -> ParkingInventory:
    # Two first reservations at once: one insert wins, the other reads it (get_or_create's savepoint).
    inventory, _ = ParkingInventory.objects.get_or_create(lot=lot, event=event)
    return inventory


def space_take(*, lot: ParkingLot, event: Event) -> None:
    """Take one space of the lot for the event, or 409 PARKING_FULL (one conditional UPDATE)."""
    inventory = _inventory(lot, event)
    taken = ParkingInventory.objects.filter(id=inventory.id, spaces_taken__lt=lot.spaces).update(
        spaces_taken=F("spaces_taken") + 1
    )
    if not taken:
        raise Conflict(code=ParkingErrorCode.PARKING_FULL)


def space_release(*, lot_id: uuid.UUID, event_id: uuid.UUID) -> None:
    ParkingInventory.objects.filter(lot_id=lot_id, event_id=event_id, spaces_taken__gt=0).update(
        spaces_taken=F("spaces_taken") - 1
    )


def parking_reserve(
    *, user: User, event_id: uuid.UUID, quote_id: uuid.UUID, vehicle_plate: str = ""
) -> ParkingReservation:
    """Reserve a space at the quoted price: held while paying (PENDING), or CONFIRMED at once when free."""
    now = timezone.now()
    with transaction.atomic():
        quote = (
            ParkingQuote.objects.select_for_update()
            .select_related("lot")
            .filter(id=quote_id, user=user, event_id=event_id)
            .first()
        )
        if quote is None:
            raise NotFound(code=ParkingErrorCode.QUOTE_NOT_FOUND)
        if quote.used_at is not None or quote.expires_at <= now:
            raise Conflict(code=ParkingErrorCode.QUOTE_EXPIRED)
        event = parkable_event(user, event_id)
        ensure_guest(user, event)
        lot = lot_at(event, quote.lot_id)
        if ParkingReservation.objects.filter(event=event, user=user, status__in=LIVE).exists():
            raise Conflict(code=ParkingErrorCode.ALREADY_RESERVED)
        holds_expire(lot_id=lot.id, event_id=event.id, now=now)  # a full lot frees lapsed holds first
        space_take(lot=lot, event=event)
        free = quote.price == 0
        try:
            with transaction.atomic():
                reservation = ParkingReservation.objects.create(
                    lot=lot,
                    event=event,
                    user=user,
                    quote=quote,
                    vehicle_plate=vehicle_plate.strip().upper(),
                    status=ReservationStatus.CONFIRMED if free else ReservationStatus.PENDING,
                    currency=quote.currency,
                    price=quote.price,
                    reserved_from=quote.reserved_from,
                    reserved_until=quote.reserved_until,
                    hold_expires_at=None if free else now + timedelta(minutes=get_settings().PAYMENT_HOLD_MINUTES),
                    confirmed_at=now if free else None,
                )
        except IntegrityError:
            # The same guest reserving twice at once: the other request's reservation stands (this
            # transaction's space goes back with it).
            raise Conflict(code=ParkingErrorCode.ALREADY_RESERVED) from None
        quote.used_at = now
        quote.save(update_fields=["used_at"])
        audit_record(action="parking.reserved", actor=user, obj=reservation, data={"price": str(reservation.price)})
    return reservation


def holds_expire(
    *, lot_id: uuid.UUID | None = None, event_id: uuid.UUID | None = None, now: datetime | None = None
) -> int:
    """Lapsed unpaid holds expire and give their space back (each exactly once); all of them, or one lot's."""
    now = now or timezone.now()
    due = ParkingReservation.objects.filter(status=ReservationStatus.PENDING, hold_expires_at__lte=now)
    if lot_id is not None:
        due = due.filter(lot_id=lot_id, event_id=event_id) if event_id is not None else due.none()
    expired = 0
    for reservation_id, lot, event in due.values_list("id", "lot_id", "event_id")[:1000]:
        with transaction.atomic():
            if ParkingReservation.objects.filter(id=reservation_id, status=ReservationStatus.PENDING).update(
                status=ReservationStatus.EXPIRED, hold_expires_at=None
            ):
                space_release(lot_id=lot, event_id=event)
                expired += 1
    return expired


def parking_holds_expire() -> int:
    """Every lapsed unpaid hold expires (beat, every minute)."""
    return holds_expire()


def my_reservation_locked(user: User, reservation_id: uuid.UUID) -> ParkingReservation:
    reservation = (
        ParkingReservation.objects.select_for_update(of=("self",))
        .select_related("lot")
        .filter(id=reservation_id, user=user)
        .first()
    )
    if reservation is None:
        raise NotFound(code=ParkingErrorCode.RESERVATION_NOT_FOUND)
    return reservation


def parking_reservation_cancel(*, user: User, reservation_id: uuid.UUID) -> ParkingReservation:
    """The guest gives the space back: an unpaid hold at once; a confirmed one before its window starts
    (paid ones are refunded)."""
    now = timezone.now()
    with transaction.atomic():
        reservation = my_reservation_locked(user, reservation_id)
        cancellable = reservation.status == ReservationStatus.PENDING or (
            reservation.status == ReservationStatus.CONFIRMED
            and reservation.entered_at is None
            and now < reservation.reserved_from
            and reservation.price == 0
        )
        if not cancellable:
            raise Conflict(code=ParkingErrorCode.RESERVATION_NOT_CANCELLABLE)
        reservation.status = ReservationStatus.CANCELLED
        reservation.cancelled_at = now
        reservation.hold_expires_at = None
        reservation.save(update_fields=["status", "cancelled_at", "hold_expires_at", "updated_at"])
        space_release(lot_id=reservation.lot_id, event_id=reservation.event_id)
        audit_record(action="parking.cancelled", actor=user, obj=reservation)
    return reservation


def reservation_confirm(*, reservation_id: uuid.UUID, payment_reference: str) -> ParkingReservation | None:
    """The payment of a held reservation was confirmed: it is CONFIRMED. A hold that lapsed before the money
    arrived takes a space again if one is left; None when it cannot be honoured (the caller refunds)."""
    now = timezone.now()
    with transaction.atomic():
        reservation = (
            ParkingReservation.objects.select_for_update().select_related("lot", "event").get(id=reservation_id)
        )
        if reservation.status == ReservationStatus.CONFIRMED:
            return reservation
        if reservation.status == ReservationStatus.EXPIRED:
            again = ParkingReservation.objects.filter(
                event_id=reservation.event_id, user_id=reservation.user_id, status__in=LIVE
            ).exists()
            if again:
                return None  # the guest has reserved again since: refund this one
            try:
                with transaction.atomic():
                    space_take(lot=reservation.lot, event=reservation.event)
            except Conflict:
                return None
        elif reservation.status != ReservationStatus.PENDING:
            return None
        reservation.status = ReservationStatus.CONFIRMED
        reservation.confirmed_at = now
        reservation.hold_expires_at = None
        reservation.payment_reference = payment_reference
        reservation.save(update_fields=["status", "confirmed_at", "hold_expires_at", "payment_reference", "updated_at"])
        audit_record(action="parking.confirmed", obj=reservation, subject=reservation.user)
    return reservation
