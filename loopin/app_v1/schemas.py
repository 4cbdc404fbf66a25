"""OpenAPI shapes of the app's dialect. The app reads fields at varying depths (CLIENT.md), so these
name the fields it reads and let the rest through (`extra="allow"`); the reads build the bodies."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AppObject(BaseModel):
    """Any JSON object answer of the app's dialect: `success` and the fields of the call at the top level."""

    model_config = ConfigDict(extra="allow")
    success: bool = True
    message: str | None = None


class AppItem(BaseModel):
    """One item of a bare list (C17, C18)."""

    model_config = ConfigDict(extra="allow")


class AppVerifyEnvelope(AppObject):
    token: str = Field(description="Bearer token with the `user_id` and `phone_number` claims")
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int
    needs_profile_completion: bool
    is_verified: bool
    data: dict[str, Any]


class AppInterest(BaseModel):
    id: int
    name: str
    slug: str
    description: str | None = None


class AppInterestList(AppObject):
    data: list[AppInterest]


class AppProfile(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: int
    name: str | None
    phone_number: str
    is_verified: bool
    is_active: bool
    event_interests: list[AppInterest]
    profile_pictures: list[str]


class AppProfileEnvelope(AppObject):
    data: AppProfile


class AppHost(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: int
    user_id: int
    name: str | None


class AppEvent(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: int
    title: str
    host: AppHost
    location: dict[str, Any]
    start_time: str | None
    end_time: str | None
    is_paid: bool
    ticket_price: str


class AppEventEnvelope(AppObject):
    data: AppEvent


class AppEventCreated(AppObject):
    id: int = Field(description="The new event's integer id (read at the top level)")
    data: AppEvent


class AppEventList(AppObject):
    data: list[AppEvent]
    total: int
    offset: int
    limit: int


class AppTicket(AppObject):
    ticket_secret: str = Field(description="The ticket's signed QR code: shown to the guest, sent by the host's C24")
    ticket_id: int
    event_id: int


class AppOrderEnvelope(AppObject):
    data: dict[str, Any]
