"""Reads of venue commerce: the menu as a guest sees it (per event), counters, staff, orders and queues.

Selectors return rows with the relations their renderers (`schemas.*Out.from_model`) read, loaded.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from loopin.accounts.models import User
from loopin.core.errors import NotFound
from loopin.events.models import Event, Venue
from loopin.tickets.door import opens_at
from loopin.venuecommerce.access import venue_for, venue_get
from loopin.venuecommerce.error_codes import VenueCommerceErrorCode
from loopin.venuecommerce.models import (
    Counter,
    EventAvailability,
    MenuItem,
    MenuVariant,
    VenueOrder,
    VenueStaff,
)
from loopin.venuecommerce.states import QUEUED


def ordering_window(event: Event) -> tuple[datetime, datetime]:
    """Orders are taken from doors-open (the door's check-in opening, `opens_minutes_before` the start) until
    the event's end."""
    return opens_at(event), event.end_at


# ---------------------------------------------------------------- menu


@dataclass(frozen=True)
class Menu:
    venue: Venue
    event_id: uuid.UUID | None
    items: list[MenuItem]
    counters: list[Counter]


def menu_items(venue_id: uuid.UUID, *, active_variants_only: bool) -> QuerySet[MenuItem]:
    variants = MenuVariant.objects.order_by("position", "name")
    if active_variants_only:
        variants = variants.filter(is_active=True)
    return MenuItem.objects.filter(venue_id=venue_id).prefetch_related(Prefetch("variants", queryset=variants))


def menu_get(*, venue_id: uuid.UUID, event_id: uuid.UUID | None = None) -> Menu:
    """What the venue sells (at one event, when given: its availability there), with prices before and with GST.
    Public: it is a menu."""
    venue = venue_get(venue_id)
    overrides: dict[uuid.UUID, bool] = {}
    if event_id is not None:
        if not Event.objects.alive().filter(id=event_id, venue_id=venue.id).exists():
            raise NotFound("This venue has no such event.", code=VenueCommerceErrorCode.EVENT_NOT_AT_VENUE)
        overrides = dict(EventAvailability.objects.filter(event_id=event_id).values_list("item_id", "is_available"))
    items = [
        item
        for item in menu_items(venue.id, active_variants_only=True)
        if overrides.get(item.id, item.is_active) and list(item.variants.all())
    ]
    return Menu(venue=venue, event_id=event_id, items=items, counters=list(venue.counters.filter(is_open=True)))


def menu_manage(*, user: User, venue_id: uuid.UUID) -> Menu:
    """The whole menu as its staff see it: inactive items and variants too, and every counter."""
    venue = venue_for(user, venue_id, "stock")
    items = list(menu_items(venue.id, active_variants_only=False))
    return Menu(venue=venue, event_id=None, items=items, counters=list(venue.counters.all()))


def menu_item_get(*, item_id: uuid.UUID) -> MenuItem:
    return menu_items_all().get(id=item_id)


def menu_items_all() -> QuerySet[MenuItem]:
    return MenuItem.objects.prefetch_related(Prefetch("variants", queryset=MenuVariant.objects.order_by("position")))


def counters_list(*, venue_id: uuid.UUID) -> list[Counter]:
    return list(venue_get(venue_id).counters.all())


# ---------------------------------------------------------------- staff


def staff_rows() -> QuerySet[VenueStaff]:
    return VenueStaff.objects.select_related("user", "user__person")


def staff_list(*, user: User, venue_id: uuid.UUID) -> list[VenueStaff]:
    venue = venue_for(user, venue_id, "view_staff")
    return list(staff_rows().filter(venue=venue))


def staff_mine(*, user: User, venue_id: uuid.UUID) -> VenueStaff:
    row = staff_rows().filter(venue_id=venue_id, user=user).first()
    if row is None:
        raise NotFound("You do not work at this venue.", code=VenueCommerceErrorCode.VENUE_STAFF_NOT_FOUND)
    return row


# ---------------------------------------------------------------- orders


def order_rows() -> QuerySet[VenueOrder]:
    return VenueOrder.objects.select_related("counter", "user").prefetch_related("lines")


def my_orders(*, user: User, event_id: uuid.UUID, offset: int, limit: int) -> tuple[list[VenueOrder], int]:
    """The caller's orders at one event, newest first."""
    qs = order_rows().filter(event_id=event_id, user=user)
    return list(qs[offset : offset + limit]), qs.count()


def my_order(*, user: User, event_id: uuid.UUID, order_id: uuid.UUID) -> VenueOrder:
    order = order_rows().filter(id=order_id, event_id=event_id, user=user).first()
    if order is None:
        raise NotFound("Order not found.", code=VenueCommerceErrorCode.VENUE_ORDER_NOT_FOUND)
    return order


def counter_queue(
    *,
    user: User,
    venue_id: uuid.UUID,
    counter_id: uuid.UUID,
    event_id: uuid.UUID | None,
    status: str | None,
    offset: int,
    limit: int,
) -> tuple[list[VenueOrder], int]:
    """A counter's open orders (placed to ready), oldest placed first: what to make next. Venue order staff only."""
    venue: Venue = venue_for(user, venue_id, "orders")
    if not Counter.objects.filter(id=counter_id, venue=venue).exists():
        raise NotFound("Counter not found.", code=VenueCommerceErrorCode.COUNTER_NOT_FOUND)
    qs = order_rows().filter(counter_id=counter_id, status__in=[status] if status else QUEUED)
    if event_id is not None:
        qs = qs.filter(event_id=event_id)
    qs = qs.order_by("placed_at", "id")
    return list(qs[offset : offset + limit]), qs.count()


def staff_order(*, user: User, venue_id: uuid.UUID, order_id: uuid.UUID) -> VenueOrder:
    venue = venue_for(user, venue_id, "orders")
    order = order_rows().filter(id=order_id, venue=venue).first()
    if order is None:
        raise NotFound("Order not found.", code=VenueCommerceErrorCode.VENUE_ORDER_NOT_FOUND)
    return order


def counter_for_staff(*, user: User, venue_id: uuid.UUID, counter_id: uuid.UUID) -> Counter:
    """A counter whose queue the caller may follow (the socket subscription's check)."""
    venue = venue_for(user, venue_id, "orders")
    counter = Counter.objects.filter(id=counter_id, venue=venue).first()
    if counter is None:
        raise NotFound("Counter not found.", code=VenueCommerceErrorCode.COUNTER_NOT_FOUND)
    return counter
