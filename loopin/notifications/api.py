"""Notifications HTTP API: devices, the in-app centre and preferences.

Static paths are declared before `/{notification_id}`. Device registration is not gated by the
onboarding waitlist, so a waitlisted person's phone can receive the welcome push.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Query

from loopin.accounts.models import User
from loopin.core.auth import CurrentUser, UngatedUser
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, ok
from loopin.core.pagination import PageParams, run_page
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.notifications import selectors, services
from loopin.notifications.models import Category
from loopin.notifications.schemas import (
    DeviceIn,
    DeviceOut,
    NotificationOut,
    PreferencesIn,
    PreferencesOut,
    ReadAllOut,
    UnreadCountOut,
)

router = APIRouter(prefix="/api/v2/notifications", tags=["notifications"])


def _preferences(push: dict[str, bool]) -> dict[str, Any]:
    return {"push": push, "in_app": True, "categories": dict(Category.choices)}


def device_register_and_read(*, user: User, provider: str, token: str, platform: str) -> dict[str, Any]:
    """Register a push token, then read the device back."""
    return selectors.device_out(services.device_register(user=user, provider=provider, token=token, platform=platform))


def notification_mark_read_and_read(*, user: User, notification_id: uuid.UUID) -> dict[str, Any]:
    """Mark a notification read, then read it back."""
    return selectors.notification_out(services.notification_mark_read(user=user, notification_id=notification_id))


@router.post("/devices", response_model=Envelope[DeviceOut], responses=error_responses(401, 422))
async def device_register(body: DeviceIn, caller: UngatedUser) -> dict[str, Any]:
    """Register this install's push token (upsert by token: a known token moves to the caller)."""

    device = await run_sync(
        device_register_and_read, user=caller, provider=body.provider, token=body.token, platform=body.platform
    )
    return ok(device, "Device registered")


@router.delete("/devices/{device_id}", response_model=Envelope[None], responses=error_responses(401, 404))
async def device_remove(device_id: uuid.UUID, caller: UngatedUser) -> dict[str, Any]:
    """Stop pushing to one of the caller's devices (call it at logout)."""
    await run_sync(services.device_remove, user=caller, device_id=device_id)
    return ok(None, "Device removed")


@router.get("", response_model=ListEnvelope[NotificationOut], responses=error_responses(401, 403, 422))
async def notification_list(
    page: PageParams,
    caller: CurrentUser,
    unread: Annotated[bool | None, Query(description="true: only unread; false: only read")] = None,
) -> dict[str, Any]:
    """The caller's notifications, newest first."""
    return await run_page(selectors.notifications_list, page, "Notifications", user=caller, unread=unread)


@router.get("/unread-count", response_model=Envelope[UnreadCountOut], responses=error_responses(401, 403))
async def notification_unread_count(caller: CurrentUser) -> dict[str, Any]:
    """How many notifications the caller has not read."""
    return ok({"unread": await run_sync(selectors.unread_count, user=caller)}, "Unread notifications")


@router.post("/read-all", response_model=Envelope[ReadAllOut], responses=error_responses(401, 403))
async def notification_read_all(caller: CurrentUser) -> dict[str, Any]:
    """Mark every notification read."""
    return ok({"updated": await run_sync(services.notifications_mark_all_read, user=caller)}, "All read")


@router.get("/preferences", response_model=Envelope[PreferencesOut], responses=error_responses(401, 403))
async def preferences_get(caller: CurrentUser) -> dict[str, Any]:
    """Push on or off per category (in-app notifications are always kept)."""
    return ok(_preferences(await run_sync(selectors.preferences_of, user=caller)), "Notification preferences")


@router.put("/preferences", response_model=Envelope[PreferencesOut], responses=error_responses(401, 403, 422))
async def preferences_put(body: PreferencesIn, caller: CurrentUser) -> dict[str, Any]:
    """Switch push on or off for the categories given; the others keep their setting."""
    push = await run_sync(services.preferences_update, user=caller, push=body.push)
    return ok(_preferences(push), "Preferences saved")


@router.post(
    "/{notification_id}/read", response_model=Envelope[NotificationOut], responses=error_responses(401, 403, 404)
)
async def notification_read(notification_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Mark one notification read."""

    return ok(
        await run_sync(notification_mark_read_and_read, user=caller, notification_id=notification_id), "Marked read"
    )


@router.delete("/{notification_id}", response_model=Envelope[None], responses=error_responses(401, 403, 404))
async def notification_delete(notification_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Remove a notification from the caller's centre."""
    await run_sync(services.notification_delete, user=caller, notification_id=notification_id)
    return ok(None, "Notification deleted")
