"""Messages to guests over HTTP (`/api/v2/events/{event_id}/messages`): the host or a co-host announces something
to every ticket holder or one tier's (push + in-app, rate-limited per event); guests read the messages meant for
them (the event's, and their tier's)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from loopin.accounts.models import User
from loopin.core.auth import CurrentUser
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, ok
from loopin.core.pagination import PageParams, run_page
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.events.models import GuestMessage
from loopin.participation.guest_message_selectors import guest_message_out, guest_messages_list
from loopin.participation.guest_messages import MAX_BODY, guest_message_send

router = APIRouter(prefix="/api/v2/events", tags=["guest messages"])


class GuestMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=MAX_BODY, pattern=r"\S", description="Not only spaces")
    tier_id: uuid.UUID | None = Field(default=None, description="Only this tier's ticket holders; default: everyone")


class GuestMessageOut(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID
    tier_id: uuid.UUID | None
    tier_name: str | None
    body: str
    sender_name: str | None
    recipients_count: int | None = Field(description="How many it was sent to (the hosts' view only)")
    created_at: datetime


def _send(*, user: User, event_id: uuid.UUID, body: GuestMessageIn) -> dict[str, Any]:
    message = guest_message_send(sender=user, event_id=event_id, body=body.body, tier_id=body.tier_id)
    return guest_message_out(GuestMessage.objects.select_related("tier", "sender").get(id=message.id), manager=True)


@router.post(
    "/{event_id}/messages",
    response_model=Envelope[GuestMessageOut],
    status_code=201,
    responses=error_responses(400, 401, 403, 404, 422, 429),
)
async def messages_send(event_id: uuid.UUID, body: GuestMessageIn, caller: CurrentUser) -> dict[str, Any]:
    """Send a message to the guests (all, or one tier's) as a push and an in-app notification (host, co-hosts)."""
    return ok(await run_sync(_send, user=caller, event_id=event_id, body=body), "Message sent")


@router.get(
    "/{event_id}/messages",
    response_model=ListEnvelope[GuestMessageOut],
    responses=error_responses(401, 403, 404, 422),
)
async def messages_list(event_id: uuid.UUID, page: PageParams, caller: CurrentUser) -> dict[str, Any]:
    """The event's messages to guests, newest first (guests see the ones meant for them)."""
    return await run_page(guest_messages_list, page, "Messages", user=caller, event_id=event_id)
