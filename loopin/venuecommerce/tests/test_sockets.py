"""`venue_counter:subscribe` over a real Socket.IO connection (python-socketio's AsyncClient against uvicorn):
order staff follow a counter's queue; anyone else is refused with the envelope."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from django.db import connections

from loopin.accounts.services import session_start
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.live import Client, ThreadServer
from loopin.venuecommerce.services.orders import LineInput, order_place
from loopin.venuecommerce.tests.conftest import staff_member


@pytest.fixture
def live(world: Any) -> Any:
    with ThreadServer() as server:
        yield server


def _in_db(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    finally:
        connections.close_all()


def _token(user: Any) -> str:
    return session_start(user=user).access_token


def test_order_staff_subscribe_to_a_counter_and_see_a_new_order_arrive(live, world):
    staff = _token(staff_member(world.venue, "concessions"))
    ref = {"venue_id": str(world.venue.id), "counter_id": str(world.counter.id)}

    async def scenario() -> tuple[Any, Any]:
        client = await Client(live.url, staff).connect()
        ack = await client.call("venue_counter:subscribe", ref)
        order = await asyncio.to_thread(
            _in_db,
            order_place,
            user=world.guest,
            event_id=world.event.id,
            counter_id=world.counter.id,
            lines=[LineInput(variant_id=world.water.id, quantity=1)],
        )
        got = await client.wait_for("venue_order")
        await client.close()
        return ack, (order, got)

    ack, (order, got) = asyncio.run(scenario())
    assert (ack["success"], ack["message"], ack["data"]["id"], ack["data"]["name"]) == (
        True,
        "Subscribed",
        str(world.counter.id),
        "Main bar",
    )
    assert [(e["id"], e["status"]) for e in got] == [(str(order.id), "placed")]


@pytest.mark.parametrize("role", ["door", "parking", None])
def test_people_without_the_orders_role_are_refused(live, world, role):
    person = staff_member(world.venue, role) if role else UserWithProfileFactory()
    token = _token(person)
    ref = {"venue_id": str(world.venue.id), "counter_id": str(world.counter.id)}

    async def scenario() -> Any:
        client = await Client(live.url, token).connect()
        ack = await client.call("venue_counter:subscribe", ref)
        await client.close()
        return ack

    ack = asyncio.run(scenario())
    assert (ack["success"], ack["error_code"]) == (False, "VENUE_ROLE_REQUIRED")


def test_a_payload_that_is_not_a_counter_reference_is_invalid(live, world):
    token = _token(world.owner)

    async def scenario() -> Any:
        client = await Client(live.url, token).connect()
        ack = await client.call("venue_counter:subscribe", {"venue_id": "nope"})
        await client.close()
        return ack

    ack = asyncio.run(scenario())
    assert (ack["success"], ack["error_code"]) == (False, "VALIDATION_ERROR")
