"""Socket handlers of venue commerce: order staff follow a counter's queue (`venue_counter:subscribe`).

Guests need no subscription: their order's `venue_order` events reach their own `user:{id}` room.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict

from loopin.realtime.server import Ctx, call, handler, ok, sio
from loopin.realtime.sync import SocketCaller
from loopin.venuecommerce.notify import counter_room
from loopin.venuecommerce.schemas import CounterOut
from loopin.venuecommerce.selectors import counter_for_staff


class CounterRefIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    venue_id: uuid.UUID
    counter_id: uuid.UUID


@handler("venue_counter:subscribe", CounterRefIn)
async def subscribe(ctx: Ctx, p: CounterRefIn) -> dict[str, Any]:
    """Follow a counter's orders (venue staff in the manager or concessions role)."""
    counter = await call(
        counter_for_staff, user=SocketCaller(ctx.user_id), venue_id=p.venue_id, counter_id=p.counter_id
    )
    await sio.enter_room(ctx.sid, counter_room(p.counter_id))
    return ok(CounterOut.from_model(counter).model_dump(mode="json"), "Subscribed")


@handler("venue_counter:unsubscribe", CounterRefIn)
async def unsubscribe(ctx: Ctx, p: CounterRefIn) -> dict[str, Any]:
    await sio.leave_room(ctx.sid, counter_room(p.counter_id))
    return ok(None, "Unsubscribed")
