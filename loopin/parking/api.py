"""Parking over HTTP: an event's lots and prices, quotes and reservations (guests), the caller's reservations
and passes, lots of a venue (its owner), and the gate (parking staff)."""

from __future__ import annotations

import uuid
from typing import Any

from loopin.core.auth import CurrentUser, OptionalUser
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, ok
from loopin.core.pagination import PageParams, run_page
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.parking import payment, selectors
from loopin.parking.schemas import (
    EventLotOut,
    GateScanIn,
    GateScanOut,
    LotIn,
    LotOut,
    LotUpdateIn,
    PayIn,
    QuoteIn,
    QuoteOut,
    ReservationOut,
    ReserveIn,
)
from loopin.parking.services import gate, lots, reservations

events = APIRouter(prefix="/api/v2/events", tags=["parking"])
venues = APIRouter(prefix="/api/v2/venues", tags=["parking"])
parking_lots = APIRouter(prefix="/api/v2/parking-lots", tags=["parking"])
me = APIRouter(prefix="/api/v2/me/parking", tags=["parking"])
ANY_ERROR = (400, 401, 403, 404, 409, 422)


def _bands(body: LotIn | LotUpdateIn) -> list[lots.BandIn] | None:
    if body.bands is None:
        return None
    return [lots.BandIn(kind=b.kind, threshold=b.threshold, multiplier=b.multiplier) for b in body.bands]


@events.get("/{event_id}/parking", response_model=Envelope[list[EventLotOut]], responses=error_responses(404, 422))
async def event_parking(event_id: uuid.UUID, caller: OptionalUser) -> dict[str, Any]:
    """The lots at the event's venue: spaces left for this event and what a space costs right now."""
    return ok(await run_sync(selectors.event_parking, user=caller, event_id=event_id), "Parking")


@events.post(
    "/{event_id}/parking/quotes",
    response_model=Envelope[QuoteOut],
    status_code=201,
    responses=error_responses(*ANY_ERROR),
)
async def parking_quote(event_id: uuid.UUID, body: QuoteIn, caller: CurrentUser) -> dict[str, Any]:
    """A price for a space (guests with a valid ticket), kept 10 minutes: reserving with it pays exactly this."""
    quote = await run_sync(reservations.parking_quote, user=caller, event_id=event_id, lot_id=body.lot_id)
    return ok(selectors.quote_data(quote), "Price quoted")


@events.post(
    "/{event_id}/parking/reservations",
    response_model=Envelope[ReservationOut],
    status_code=201,
    responses=error_responses(*ANY_ERROR),
)
async def parking_reserve(event_id: uuid.UUID, body: ReserveIn, caller: CurrentUser) -> dict[str, Any]:
    """Reserve a space at a quote's price: held while paying (`pending`), or `confirmed` at once when free."""
    reservation = await run_sync(
        reservations.parking_reserve,
        user=caller,
        event_id=event_id,
        quote_id=body.quote_id,
        vehicle_plate=body.vehicle_plate,
    )
    return ok(selectors.reservation_data(reservation), "Space reserved")


@me.get("/reservations", response_model=ListEnvelope[ReservationOut], responses=error_responses(401, 422))
async def my_reservations(caller: CurrentUser, page: PageParams) -> dict[str, Any]:
    """The caller's parking reservations, newest first."""
    return await run_page(selectors.my_reservations, page, "Parking reservations", user=caller)


@me.get(
    "/reservations/{reservation_id}",
    response_model=Envelope[ReservationOut],
    responses=error_responses(401, 404, 422),
)
async def my_reservation(reservation_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """One reservation; a confirmed one with its signed parking pass (`qr`) to show at the gate."""
    return ok(await run_sync(selectors.my_reservation, user=caller, reservation_id=reservation_id), "Reservation")


@me.post(
    "/reservations/{reservation_id}/cancel",
    response_model=Envelope[ReservationOut],
    responses=error_responses(*ANY_ERROR),
)
async def cancel_reservation(reservation_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Give the space back: an unpaid hold at once, a confirmed reservation before its window starts."""
    data = await run_sync(payment.parking_cancel, user=caller, reservation_id=reservation_id)
    return ok(data, "Reservation cancelled")


@me.post("/reservations/{reservation_id}/pay", responses=error_responses(*ANY_ERROR))
async def pay_reservation(reservation_id: uuid.UUID, body: PayIn, caller: CurrentUser) -> dict[str, Any]:
    """Pay a held reservation by card (answers the checkout to complete) or with LoopPay credits (confirmed)."""
    data = await run_sync(
        payment.parking_reservation_pay, user=caller, reservation_id=reservation_id, method=body.method
    )
    return ok(data, "Payment started" if data["payment"] else "Paid")


@me.post("/charges/{charge_id}/pay", responses=error_responses(*ANY_ERROR))
async def pay_overstay(charge_id: uuid.UUID, body: PayIn, caller: CurrentUser) -> dict[str, Any]:
    """Pay an overstay charge by card (answers the checkout) or with LoopPay credits."""
    data = await run_sync(payment.parking_overstay_pay, user=caller, charge_id=charge_id, method=body.method)
    return ok(data, "Payment started" if data["payment"] else "Paid")


@venues.get("/{venue_id}/parking-lots", response_model=Envelope[list[LotOut]], responses=error_responses(404, 422))
async def venue_lots(venue_id: uuid.UUID) -> dict[str, Any]:
    """A venue's active parking lots with their pricing rules."""
    return ok(await run_sync(selectors.venue_lots, venue_id=venue_id), "Parking lots")


@venues.post(
    "/{venue_id}/parking-lots",
    response_model=Envelope[LotOut],
    status_code=201,
    responses=error_responses(*ANY_ERROR),
)
async def lot_create(venue_id: uuid.UUID, body: LotIn, caller: CurrentUser) -> dict[str, Any]:
    """Add a parking lot with its pricing rule (the venue's owner)."""
    fields = body.model_dump(exclude={"bands"})
    lot = await run_sync(lots.parking_lot_create, actor=caller, venue_id=venue_id, bands=_bands(body), **fields)
    return ok(selectors.lot_data(lot), "Parking lot added")


@parking_lots.patch("/{lot_id}", response_model=Envelope[LotOut], responses=error_responses(*ANY_ERROR))
async def lot_update(lot_id: uuid.UUID, body: LotUpdateIn, caller: CurrentUser) -> dict[str, Any]:
    """Change a lot or its rule (the venue's owner); quotes given and reservations keep their price."""
    fields = body.model_dump(exclude={"bands"}, exclude_unset=True)
    lot = await run_sync(lots.parking_lot_update, actor=caller, lot_id=lot_id, bands=_bands(body), **fields)
    return ok(selectors.lot_data(lot), "Parking lot updated")


@parking_lots.post("/{lot_id}/scans", response_model=Envelope[GateScanOut], responses=error_responses(*ANY_ERROR))
async def gate_scan(lot_id: uuid.UUID, body: GateScanIn, caller: CurrentUser) -> dict[str, Any]:
    """Scan a parking pass at the lot's gate (parking staff): entry or exit; the same nonce replays the answer."""
    scan = gate.GateScanIn(nonce=body.nonce, qr=body.qr, direction=body.direction)
    result = await run_sync(gate.parking_gate_scan, actor=caller, lot_id=lot_id, scan=scan)
    return ok(result, result["message"])


routers = [events, venues, parking_lots, me]
