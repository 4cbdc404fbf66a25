"""Request and response shapes of the notifications API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, PlainSerializer

from loopin.core.time import to_display

DisplayTime = Annotated[datetime, PlainSerializer(lambda v: to_display(v).isoformat(), return_type=str)]


class DeviceIn(BaseModel):
    provider: Literal["onesignal", "fcm"]
    token: str = Field(min_length=8, max_length=512, description="OneSignal subscription id or FCM registration token")
    platform: Literal["ios", "android", "web"]


class DeviceOut(BaseModel):
    id: uuid.UUID
    provider: str
    platform: str
    is_active: bool
    created_at: DisplayTime


class NotificationOut(BaseModel):
    id: uuid.UUID
    type: str = Field(examples=["join_request.received"])
    category: str = Field(examples=["requests"])
    title: str
    body: str
    object_type: str | None = Field(examples=["event"], description="What the notification is about")
    object_id: str | None
    screen: str | None = Field(examples=["event_detail"], description="The app screen to open")
    data: dict[str, Any]
    is_read: bool
    read_at: DisplayTime | None
    created_at: DisplayTime


class UnreadCountOut(BaseModel):
    unread: int


class ReadAllOut(BaseModel):
    updated: int


class PreferencesOut(BaseModel):
    push: dict[str, bool] = Field(description="Push on or off per category")
    in_app: bool = Field(True, description="In-app notifications are always kept")
    categories: dict[str, str] = Field(description="Category names and what they cover")


class PreferencesIn(BaseModel):
    push: dict[str, bool] = Field(examples=[{"announcements": False, "reminders": True}])
