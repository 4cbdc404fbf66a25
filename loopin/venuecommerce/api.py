"""Venue commerce over HTTP (the designed API).

- `PATCH /api/v2/venues/{venue_id}`: the venue's details (its owner, managers; an organisation's by role).
- `POST /api/v2/venues/{venue_id}/move`: its owner brings a personal venue into an organisation (its events stay).
- `/api/v2/venues/{venue_id}/menu` (public): what the venue sells, at one event with `?event_id=`.
- `/api/v2/venues/{venue_id}/menu/…`, `/counters`, `/staff`: the venue's owner and staff by role
  (`loopin.venuecommerce.access.ROLE_ACTIONS`); staff are asked by phone or handle and accept (`/staff/me/accept`).
- `/api/v2/venues/{venue_id}/counters/{counter_id}/queue`, `/orders/{order_id}/transition`: the order staff's queue.
- `/api/v2/events/{event_id}/orders`: a ticket holder orders during the event, follows and cancels their orders.
docs/COMMERCE.md says how it works.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Header, Query

from loopin.core.auth import CurrentUser
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, ok, ok_page
from loopin.core.pagination import PageParams
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.events.schemas import MoveIn, VenueOut, VenueUpdateIn
from loopin.events.selectors import venue_get
from loopin.venuecommerce import selectors
from loopin.venuecommerce.schemas import (
    AvailabilityIn,
    CancelIn,
    CounterIn,
    CounterOut,
    CounterPatch,
    ItemIn,
    ItemOut,
    ItemPatch,
    MenuOut,
    OrderIn,
    StaffIn,
    StaffOut,
    State,
    TransitionIn,
    VariantIn,
    VariantPatch,
    VenueOrderOut,
)
from loopin.venuecommerce.services.menu import (
    VariantInput,
    counter_create,
    counter_update,
    menu_availability_set,
    menu_item_create,
    menu_item_update,
    menu_variant_add,
    menu_variant_update,
)
from loopin.venuecommerce.services.orders import DeliverTo, LineInput, order_place
from loopin.venuecommerce.services.staff import (
    venue_staff_accept,
    venue_staff_add,
    venue_staff_decline,
    venue_staff_leave,
    venue_staff_remove,
)
from loopin.venuecommerce.services.transitions import order_cancel, order_transition
from loopin.venuecommerce.services.venues import venue_move, venue_update

if TYPE_CHECKING:
    from loopin.accounts.models import User

venues = APIRouter(prefix="/api/v2/venues", tags=["venue commerce"])
events = APIRouter(prefix="/api/v2/events", tags=["orders to your seat"])
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=64,
        description="The client's key for this order (e.g. a UUID made at the first tap): a retry makes no second",
    ),
]
ANY = error_responses(400, 401, 403, 404, 409, 422)


# ---------------------------------------------------------------- the venue


def venue_update_and_read(*, user: User, venue_id: uuid.UUID, changes: dict[str, Any]) -> dict[str, Any]:
    """Change the venue's details, then read it back."""
    venue = venue_update(actor=user, venue_id=venue_id, changes=changes)
    return venue_get(venue_id=venue.id)


@venues.patch("/{venue_id}", response_model=Envelope[VenueOut], responses=ANY)
async def venue_change(venue_id: uuid.UUID, body: VenueUpdateIn, caller: CurrentUser) -> dict[str, Any]:
    """Change the venue's details (what is sent): its owner and managers; an organisation's venue by the members'
    roles. A verified venue whose place changes is unverified until staff look again."""
    changes = body.model_dump(exclude_unset=True)
    return ok(await run_sync(venue_update_and_read, user=caller, venue_id=venue_id, changes=changes), "Venue changed")


def venue_move_and_read(*, user: User, venue_id: uuid.UUID, organisation_id: uuid.UUID) -> dict[str, Any]:
    """Move a personal venue into an organisation, then read it back."""
    venue = venue_move(actor=user, venue_id=venue_id, organisation_id=organisation_id)
    return venue_get(venue_id=venue.id)


@venues.post("/{venue_id}/move", response_model=Envelope[VenueOut], responses=ANY)
async def venue_move_into_organisation(venue_id: uuid.UUID, body: MoveIn, caller: CurrentUser) -> dict[str, Any]:
    """Move your personal venue into an organisation where your role allows `events` (once); its staff stay, its
    events do not move with it (move each one)."""
    moved = await run_sync(venue_move_and_read, user=caller, venue_id=venue_id, organisation_id=body.organisation_id)
    return ok(moved, "Venue moved")


# ---------------------------------------------------------------- menu


@venues.get("/{venue_id}/menu", response_model=Envelope[MenuOut], responses=error_responses(404, 422))
async def menu(
    venue_id: uuid.UUID, event_id: uuid.UUID | None = Query(default=None, description="As sold at this event")
) -> dict[str, Any]:
    """The venue's menu: items and variants on sale (at one event), prices before and with GST, open counters."""
    return ok(MenuOut.from_model(await run_sync(selectors.menu_get, venue_id=venue_id, event_id=event_id)), "Menu")


@venues.get("/{venue_id}/menu/manage", response_model=Envelope[MenuOut], responses=error_responses(401, 403, 404))
async def menu_for_staff(venue_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """The whole menu with what is switched off and every counter (the venue's staff)."""
    return ok(MenuOut.from_model(await run_sync(selectors.menu_manage, user=caller, venue_id=venue_id)), "Menu")


@venues.post("/{venue_id}/menu/items", response_model=Envelope[ItemOut], status_code=201, responses=ANY)
async def item_add(venue_id: uuid.UUID, body: ItemIn, caller: CurrentUser) -> dict[str, Any]:
    """Add an item with its variants (prices before GST; stock or null for not counted). Managers."""
    item = await run_sync(
        menu_item_create,
        user=caller,
        venue_id=venue_id,
        name=body.name,
        kind=body.kind,
        gst_rate=body.gst_rate,
        description=body.description,
        position=body.position,
        variants=[VariantInput(name=v.name, price=v.price, stock=v.stock) for v in body.variants],
    )
    return ok(ItemOut.from_model(item), "Item added")


@venues.patch("/{venue_id}/menu/items/{item_id}", response_model=Envelope[ItemOut], responses=ANY)
async def item_change(venue_id: uuid.UUID, item_id: uuid.UUID, body: ItemPatch, caller: CurrentUser) -> Any:
    """Change an item (name, kind, GST, on/off for every event). Managers."""
    given = body.model_dump(exclude_unset=True)
    item = await run_sync(menu_item_update, user=caller, venue_id=venue_id, item_id=item_id, **given)
    return ok(ItemOut.from_model(item), "Item changed")


@venues.post("/{venue_id}/menu/items/{item_id}/variants", response_model=Envelope[ItemOut], status_code=201,
             responses=ANY)  # fmt: skip
async def variant_add(venue_id: uuid.UUID, item_id: uuid.UUID, body: VariantIn, caller: CurrentUser) -> Any:
    """Add a variant (a size, a flavour) to an item. Managers."""
    variant = VariantInput(name=body.name, price=body.price, stock=body.stock)
    item = await run_sync(menu_variant_add, user=caller, venue_id=venue_id, item_id=item_id, variant=variant)
    return ok(ItemOut.from_model(item), "Variant added")


@venues.patch("/{venue_id}/menu/variants/{variant_id}", response_model=Envelope[ItemOut], responses=ANY)
async def variant_change(venue_id: uuid.UUID, variant_id: uuid.UUID, body: VariantPatch, caller: CurrentUser) -> Any:
    """Change a variant: name and price (managers); stock recount (null: stop counting) and on/off (also
    concessions staff). Returns its item."""
    given = body.model_dump(exclude_unset=True)
    item = await run_sync(menu_variant_update, user=caller, venue_id=venue_id, variant_id=variant_id, **given)
    return ok(ItemOut.from_model(item), "Variant changed")


@venues.put("/{venue_id}/menu/items/{item_id}/events/{event_id}", response_model=Envelope[ItemOut], responses=ANY)
async def item_availability(
    venue_id: uuid.UUID, item_id: uuid.UUID, event_id: uuid.UUID, body: AvailabilityIn, caller: CurrentUser
) -> dict[str, Any]:
    """Sell an item at one event of the venue or not (null: as the item's is_active). Managers."""
    item = await run_sync(
        menu_availability_set,
        user=caller,
        venue_id=venue_id,
        item_id=item_id,
        event_id=event_id,
        is_available=body.is_available,
    )
    return ok(ItemOut.from_model(item), "Availability set")


# ---------------------------------------------------------------- counters


@venues.get("/{venue_id}/counters", response_model=Envelope[list[CounterOut]], responses=error_responses(404, 422))
async def counters(venue_id: uuid.UUID) -> dict[str, Any]:
    """The venue's counters (pickup points), open or not."""
    rows = await run_sync(selectors.counters_list, venue_id=venue_id)
    return ok([CounterOut.from_model(c) for c in rows], "Counters")


@venues.post("/{venue_id}/counters", response_model=Envelope[CounterOut], status_code=201, responses=ANY)
async def counter_add(venue_id: uuid.UUID, body: CounterIn, caller: CurrentUser) -> dict[str, Any]:
    """Add a counter. Managers."""
    row = await run_sync(
        counter_create, user=caller, venue_id=venue_id, name=body.name, location_hint=body.location_hint
    )
    return ok(CounterOut.from_model(row), "Counter added")


@venues.patch("/{venue_id}/counters/{counter_id}", response_model=Envelope[CounterOut], responses=ANY)
async def counter_change(venue_id: uuid.UUID, counter_id: uuid.UUID, body: CounterPatch, caller: CurrentUser) -> Any:
    """Open or close a counter (concessions staff too) or say where it is (managers)."""
    given = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    row = await run_sync(counter_update, user=caller, venue_id=venue_id, counter_id=counter_id, **given)
    return ok(CounterOut.from_model(row), "Counter changed")


@venues.get("/{venue_id}/counters/{counter_id}/queue", response_model=ListEnvelope[VenueOrderOut],
            responses=error_responses(401, 403, 404, 422))  # fmt: skip
async def counter_queue(
    venue_id: uuid.UUID,
    counter_id: uuid.UUID,
    caller: CurrentUser,
    page: PageParams,
    event_id: uuid.UUID | None = Query(default=None, description="Only this event's orders"),
    status: State | None = Query(default=None, description="Only this state (default: placed to ready)"),  # type: ignore[valid-type]
) -> dict[str, Any]:
    """The counter's open orders, oldest first (venue staff in the manager or concessions role)."""
    rows, total = await run_sync(
        selectors.counter_queue,
        user=caller,
        venue_id=venue_id,
        counter_id=counter_id,
        event_id=event_id,
        status=status,
        offset=page.offset,
        limit=page.limit,
    )
    items = [VenueOrderOut.from_model(o, actor="staff") for o in rows]
    return ok_page(items, total=total, offset=page.offset, limit=page.limit, message="Queue")


@venues.get("/{venue_id}/orders/{order_id}", response_model=Envelope[VenueOrderOut],
            responses=error_responses(401, 403, 404, 422))  # fmt: skip
async def staff_order(venue_id: uuid.UUID, order_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """One order at the venue, as its order staff see it."""
    order = await run_sync(selectors.staff_order, user=caller, venue_id=venue_id, order_id=order_id)
    return ok(VenueOrderOut.from_model(order, actor="staff"), "Order")


@venues.post("/{venue_id}/orders/{order_id}/transition", response_model=Envelope[VenueOrderOut], responses=ANY)
async def transition(venue_id: uuid.UUID, order_id: uuid.UUID, body: TransitionIn, caller: CurrentUser) -> Any:
    """Move an order on (accepted, preparing, ready, delivered / picked_up) or cancel it (refunded): 409
    ORDER_INVALID_TRANSITION for a move the table lacks."""
    order = await run_sync(
        order_transition, user=caller, venue_id=venue_id, order_id=order_id, to=body.to, reason=body.reason
    )
    return ok(VenueOrderOut.from_model(order, actor="staff"), f"Order {order.status}")


# ---------------------------------------------------------------- staff


@venues.get("/{venue_id}/staff", response_model=Envelope[list[StaffOut]], responses=error_responses(401, 403, 404))
async def staff(venue_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """The venue's staff and the people asked (owner and managers)."""
    rows = await run_sync(selectors.staff_list, user=caller, venue_id=venue_id)
    return ok([StaffOut.from_model(r) for r in rows], "Staff")


@venues.post("/{venue_id}/staff", response_model=Envelope[StaffOut], status_code=201,
             responses=error_responses(400, 401, 403, 404, 409, 422, 429))  # fmt: skip
async def staff_add(venue_id: uuid.UUID, body: StaffIn, caller: CurrentUser) -> dict[str, Any]:
    """Ask someone (by phone number or handle) to work at the venue in a role; they accept first."""
    row = await run_sync(
        venue_staff_add,
        actor=caller,
        venue_id=venue_id,
        role=body.role,
        phone_number=body.phone_number,
        handle=body.handle,
    )
    return ok(StaffOut.from_model(row), "Asked")


@venues.get("/{venue_id}/staff/me", response_model=Envelope[StaffOut], responses=error_responses(401, 404))
async def staff_me(venue_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Your role at the venue (or the invitation to one)."""
    return ok(StaffOut.from_model(await run_sync(selectors.staff_mine, user=caller, venue_id=venue_id)), "Your role")


@venues.post("/{venue_id}/staff/me/accept", response_model=Envelope[StaffOut], responses=error_responses(401, 404))
async def staff_accept(venue_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Accept the invitation: the role's powers start now."""
    row = await run_sync(venue_staff_accept, user=caller, venue_id=venue_id)
    return ok(StaffOut.from_model(row), "You work here now")


@venues.post("/{venue_id}/staff/me/decline", response_model=Envelope[None], responses=error_responses(401, 404))
async def staff_decline(venue_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Decline the invitation."""
    await run_sync(venue_staff_decline, user=caller, venue_id=venue_id)
    return ok(None, "Declined")


@venues.delete("/{venue_id}/staff/me", response_model=Envelope[None], responses=error_responses(401, 404))
async def staff_leave(venue_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Stop working at the venue (your powers end now)."""
    await run_sync(venue_staff_leave, user=caller, venue_id=venue_id)
    return ok(None, "You left")


@venues.delete("/{venue_id}/staff/{user_id}", response_model=Envelope[None], responses=error_responses(401, 403, 404))
async def staff_remove(venue_id: uuid.UUID, user_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Remove someone from the venue's staff (managers: the owner only); their powers end at once."""
    await run_sync(venue_staff_remove, actor=caller, venue_id=venue_id, user_id=user_id)
    return ok(None, "Removed")


# ---------------------------------------------------------------- the guest's orders


@events.post("/{event_id}/orders", response_model=Envelope[VenueOrderOut], status_code=201, responses=ANY)
async def order_create(
    event_id: uuid.UUID, body: OrderIn, caller: CurrentUser, idempotency_key: IdempotencyKey = None
) -> dict[str, Any]:
    """Order from the venue's menu during the event (ticket holders): pickup at a counter or delivery to your
    seat, section or table; by card (pay at `checkout`) or credits. Send an `Idempotency-Key`: a retry with it
    returns the first order (409 ORDER_KEY_REUSED if it asks for something else)."""
    where = body.deliver_to or DeliverTo()
    order = await run_sync(
        order_place,
        user=caller,
        event_id=event_id,
        counter_id=body.counter_id,
        lines=[LineInput(variant_id=li.variant_id, quantity=li.quantity) for li in body.lines],
        fulfilment=body.fulfilment,
        deliver_to=DeliverTo(section=where.section, row=where.row, seat=where.seat, table=where.table),
        tip=body.tip,
        payment_method=body.payment_method,
        note=body.note,
        idempotency_key=idempotency_key or "",
    )
    return ok(VenueOrderOut.from_model(order), "Order placed" if order.status == "placed" else "Pay to place it")


@events.get("/{event_id}/orders", response_model=ListEnvelope[VenueOrderOut], responses=error_responses(401, 404, 422))
async def orders_mine(event_id: uuid.UUID, caller: CurrentUser, page: PageParams) -> dict[str, Any]:
    """Your orders at this event, newest first."""
    rows, total = await run_sync(
        selectors.my_orders, user=caller, event_id=event_id, offset=page.offset, limit=page.limit
    )
    items = [VenueOrderOut.from_model(o) for o in rows]
    return ok_page(items, total=total, offset=page.offset, limit=page.limit, message="Your orders")


@events.get("/{event_id}/orders/{order_id}", response_model=Envelope[VenueOrderOut],
            responses=error_responses(401, 404, 422))  # fmt: skip
async def order_mine(event_id: uuid.UUID, order_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """One of your orders and where it is."""
    order = await run_sync(selectors.my_order, user=caller, event_id=event_id, order_id=order_id)
    return ok(VenueOrderOut.from_model(order), "Order")


@events.post("/{event_id}/orders/{order_id}/cancel", response_model=Envelope[VenueOrderOut], responses=ANY)
async def order_cancel_mine(event_id: uuid.UUID, order_id: uuid.UUID, body: CancelIn, caller: CurrentUser) -> Any:
    """Cancel your order before the venue accepts it (refunded in full); after that, 409 ORDER_ALREADY_ACCEPTED."""
    order = await run_sync(order_cancel, user=caller, event_id=event_id, order_id=order_id, reason=body.reason)
    return ok(VenueOrderOut.from_model(order), "Order cancelled")


routers = [venues, events]
