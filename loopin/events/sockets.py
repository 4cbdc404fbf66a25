"""Socket handlers of events: follow an event's seat count (`event:subscribe`)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from loopin.events.realtime import event_room, seats_payload
from loopin.events.selectors.access import event_for
from loopin.realtime.server import Ctx, call, handler, ok, sio
from loopin.realtime.sync import SocketCaller

if TYPE_CHECKING:
    from loopin.accounts.models import User


class EventRefIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    event_id: uuid.UUID


def event_seats(*, user: User, event_id: uuid.UUID) -> dict[str, Any] | None:
    """The seat count of an event the person may see (the event screen's visibility; 404 otherwise)."""
    event_for(user, event_id)
    return seats_payload(event_id=event_id)


@handler("event:subscribe", EventRefIn)
async def subscribe(ctx: Ctx, p: EventRefIn) -> dict[str, Any]:
    """Follow an event's seat count; the ack carries the current one."""
    seats = await call(event_seats, user=SocketCaller(ctx.user_id), event_id=p.event_id)
    await sio.enter_room(ctx.sid, event_room(p.event_id))
    return ok(seats, "Subscribed")


@handler("event:unsubscribe", EventRefIn)
async def unsubscribe(ctx: Ctx, p: EventRefIn) -> dict[str, Any]:
    await sio.leave_room(ctx.sid, event_room(p.event_id))
    return ok(None, "Unsubscribed")
