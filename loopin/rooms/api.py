"""Audio rooms over HTTP (/api/v2/rooms): open, discover, join, act on the stage, leave; LiveKit's webhook.
Live state reaches the room's sockets (docs/ROOMS.md)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import Request

from loopin.accounts.models import User
from loopin.core.auth import CurrentUser
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, ok
from loopin.core.pagination import PageParams, run_page
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.rooms import schemas, selectors, services, stage, webhooks
from loopin.rooms.models import Room, RoomMember
from loopin.rooms.realtime import member_payload

router = APIRouter(prefix="/api/v2/rooms", tags=["rooms"])
webhooks_router = APIRouter(prefix="/api/v2/rooms/webhooks", tags=["rooms"])

ERRORS = error_responses(400, 401, 403, 404, 409, 422, 429, 503)


# The one idiom (issue 20): an endpoint makes one `run_sync` call; a write answered with a read calls one of
# these (one service, then what the response shows, on the same worker thread).


def _session_answer(member: RoomMember) -> dict[str, Any]:
    """Someone just put in the room: the room, their place in it and a fresh LiveKit token for their role."""
    _, token = services.room_token(user=member.user, room_id=member.room_id)
    return selectors.session_payload(member, token)


def room_create_and_read(
    *,
    user: User,
    title: str,
    topic: str,
    interest_ids: list[int],
    event_id: uuid.UUID | None,
    starts_at: datetime | None,
) -> dict[str, Any]:
    """Open a room (the caller's membership when live, the room when scheduled), then read it back."""
    opened = services.room_create(
        user=user, title=title, topic=topic, interest_ids=interest_ids, event_id=event_id, starts_at=starts_at
    )
    return selectors.room_detail(user=user, room_id=opened.id if isinstance(opened, Room) else opened.room_id)


def room_start_and_read(*, user: User, room_id: uuid.UUID) -> dict[str, Any]:
    """Start a scheduled room, then answer with the caller's session in it."""
    return _session_answer(services.room_start(user=user, room_id=room_id))


def room_join_and_read(*, user: User, room_id: uuid.UUID) -> dict[str, Any]:
    """Come into a live room, then answer with the caller's session in it."""
    return _session_answer(services.room_join(user=user, room_id=room_id))


def room_token_and_read(*, user: User, room_id: uuid.UUID) -> dict[str, Any]:
    """A fresh LiveKit token for the caller's role now, with the room and their place in it."""
    member, token = services.room_token(user=user, room_id=room_id)
    return selectors.session_payload(member, token)


def room_leave_and_read(*, user: User, room_id: uuid.UUID) -> dict[str, Any]:
    """Leave the room, then read it back."""
    room = services.room_leave(user=user, room_id=room_id)
    return selectors.room_detail(user=user, room_id=room.id)


def room_end_and_read(*, user: User, room_id: uuid.UUID) -> dict[str, Any]:
    """End the room, then read it back."""
    room = services.room_end(user=user, room_id=room_id)
    return selectors.room_detail(user=user, room_id=room.id)


def hand_set_and_read(*, user: User, room_id: uuid.UUID, raised: bool) -> dict[str, Any]:
    """Raise or lower the caller's hand, then read their membership back."""
    return member_payload(stage.hand_set(user=user, room_id=room_id, raised=raised))


def mute_set_and_read(*, user: User, room_id: uuid.UUID, muted: bool) -> dict[str, Any]:
    """Record the caller's microphone state, then read their membership back."""
    return member_payload(stage.mute_set(user=user, room_id=room_id, muted=muted))


def step_down_and_read(*, user: User, room_id: uuid.UUID) -> dict[str, Any]:
    """Leave the stage, then read the caller's membership back."""
    return member_payload(stage.step_down(user=user, room_id=room_id))


def host_transfer_and_read(*, user: User, room_id: uuid.UUID, to_user_id: uuid.UUID) -> dict[str, Any]:
    """Hand the room over, then read the new host's membership back."""
    return member_payload(stage.host_transfer(user=user, room_id=room_id, to_user_id=to_user_id))


def member_act_and_read(*, actor: User, room_id: uuid.UUID, user_id: uuid.UUID, action: str) -> dict[str, Any]:
    """Act on someone in the room, then read their membership back."""
    return member_payload(stage.member_act(actor=actor, room_id=room_id, user_id=user_id, action=action))


@router.post("", response_model=Envelope[schemas.RoomDetailOut], status_code=201, responses=ERRORS)
async def create_room(body: schemas.RoomCreateIn, caller: CurrentUser) -> dict[str, Any]:
    """Open a room: live now with you as its host, or scheduled (`starts_at`) for you to start."""
    data = await run_sync(room_create_and_read, user=caller, **body.model_dump())
    return ok(data, "Room opened" if data["state"] == "live" else "Room scheduled")


@router.get("", response_model=ListEnvelope[schemas.RoomOut], responses=error_responses(401, 403, 422, 429))
async def live_rooms(page: PageParams, caller: CurrentUser) -> dict[str, Any]:
    """Live rooms you may join, those with the most friends in them first."""
    return await run_page(selectors.rooms_live, page, "Live rooms", user=caller)


@router.get("/{room_id}", response_model=Envelope[schemas.RoomDetailOut], responses=ERRORS)
async def room_detail(room_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """One room with everyone in it now."""
    return ok(await run_sync(selectors.room_detail, user=caller, room_id=room_id), "Room")


@router.post("/{room_id}/start", response_model=Envelope[schemas.SessionOut], responses=ERRORS)
async def start_room(room_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Start a room you scheduled: it goes live with you as its host (and your LiveKit token)."""
    return ok(await run_sync(room_start_and_read, user=caller, room_id=room_id), "Room live")


@router.post("/{room_id}/join", response_model=Envelope[schemas.SessionOut], responses=ERRORS)
async def join_room(room_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Come into a live room (in the audience); answers your LiveKit token (listen only)."""
    return ok(await run_sync(room_join_and_read, user=caller, room_id=room_id), "Joined")


@router.post("/{room_id}/token", response_model=Envelope[schemas.SessionOut], responses=ERRORS)
async def media_token(room_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """A fresh LiveKit token with the grants of your role now (after a role change, or before expiry)."""
    return ok(await run_sync(room_token_and_read, user=caller, room_id=room_id), "Token")


@router.post("/{room_id}/leave", response_model=Envelope[schemas.RoomDetailOut], responses=ERRORS)
async def leave_room(room_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Leave the room; the last host leaving ends it (hand over first to keep it going)."""
    return ok(await run_sync(room_leave_and_read, user=caller, room_id=room_id), "Left")


@router.post("/{room_id}/end", response_model=Envelope[schemas.RoomDetailOut], responses=ERRORS)
async def end_room(room_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """A host ends the room for everyone (the creator cancels a scheduled one)."""
    return ok(await run_sync(room_end_and_read, user=caller, room_id=room_id), "Room ended")


@router.post("/{room_id}/hand", response_model=Envelope[schemas.MemberOut], responses=ERRORS)
async def hand(room_id: uuid.UUID, body: schemas.HandIn, caller: CurrentUser) -> dict[str, Any]:
    """Raise or lower your hand (the audience asks to speak)."""
    data = await run_sync(hand_set_and_read, user=caller, room_id=room_id, raised=body.raised)
    return ok(data, "Hand raised" if body.raised else "Hand lowered")


@router.post("/{room_id}/mute", response_model=Envelope[schemas.MemberOut], responses=ERRORS)
async def mute(room_id: uuid.UUID, body: schemas.MuteIn, caller: CurrentUser) -> dict[str, Any]:
    """Tell the room you muted or unmuted your microphone."""
    data = await run_sync(mute_set_and_read, user=caller, room_id=room_id, muted=body.muted)
    return ok(data, "Muted" if body.muted else "Unmuted")


@router.post("/{room_id}/step-down", response_model=Envelope[schemas.MemberOut], responses=ERRORS)
async def step_down(room_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Leave the stage for the audience (speakers and moderators)."""
    return ok(await run_sync(step_down_and_read, user=caller, room_id=room_id), "In the audience")


@router.post("/{room_id}/transfer-host", response_model=Envelope[schemas.MemberOut], responses=ERRORS)
async def transfer_host(room_id: uuid.UUID, body: schemas.TransferIn, caller: CurrentUser) -> dict[str, Any]:
    """Hand the room over: the person becomes a host, you a speaker. Answers the new host."""
    data = await run_sync(host_transfer_and_read, user=caller, room_id=room_id, to_user_id=body.user_id)
    return ok(data, "Host handed over")


@router.post("/{room_id}/members/{user_id}/{action}", response_model=Envelope[schemas.MemberOut], responses=ERRORS)
async def member_action(
    room_id: uuid.UUID, user_id: uuid.UUID, action: schemas.MemberAction, caller: CurrentUser
) -> dict[str, Any]:
    """A host or moderator acts on someone in the room: stage, audience, moderator, host, mute, hand, remove, ban."""
    data = await run_sync(member_act_and_read, actor=caller, room_id=room_id, user_id=user_id, action=action.rule)
    return ok(data, "Done")


@webhooks_router.post("/livekit", response_model=Envelope[schemas.WebhookOut], responses=error_responses(401))
async def livekit_webhook(request: Request) -> dict[str, Any]:
    """LiveKit's webhooks (participant_joined, participant_left, room_finished): signed, applied once."""
    body = (await request.body()).decode("utf-8", errors="replace")
    kind, applied = await run_sync(
        webhooks.webhook_receive, body=body, authorization=request.headers.get("authorization", "")
    )
    return ok({"event": kind, "applied": applied}, "Received")


routers = [webhooks_router, router]
