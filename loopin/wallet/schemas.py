"""Shapes of Apple's pass web service (its field names, not the envelope: devices speak a fixed protocol)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RegistrationIn(BaseModel):
    """What a device sends when it registers for a pass's updates."""

    model_config = ConfigDict(extra="ignore")

    pushToken: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9]+$")


class SerialsOut(BaseModel):
    """The device's passes changed since the tag, and the tag to send next time."""

    serialNumbers: list[str]
    lastUpdated: str


class LogIn(BaseModel):
    """Errors a device reports about our passes."""

    model_config = ConfigDict(extra="ignore")

    logs: list[str] = Field(default_factory=list, max_length=200)
