"""Calls' payloads: socket events clients send, and what the calls endpoints answer."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InitiateIn(_In):
    callee_id: uuid.UUID
    media: Literal["audio", "video"] = "audio"


class CallRefIn(_In):
    call_id: uuid.UUID


class EndIn(_In):
    call_id: uuid.UUID
    reason: Literal["hangup", "failed"] = Field("hangup", description="failed: the media never connected")


class SdpIn(_In):
    """An SDP offer or answer, passed on untouched to the other device of the call."""

    call_id: uuid.UUID
    sdp: str = Field(min_length=1, max_length=20_000)


class CandidateIn(_In):
    """One ICE candidate (RTCIceCandidateInit), passed on untouched; an empty candidate ends gathering."""

    call_id: uuid.UUID
    candidate: str = Field(max_length=2_000)
    sdp_mid: str | None = Field(None, max_length=64)
    sdp_m_line_index: int | None = Field(None, ge=0, le=64)
    username_fragment: str | None = Field(None, max_length=256)


class PersonOut(BaseModel):
    id: uuid.UUID
    name: str


class CallOut(BaseModel):
    id: uuid.UUID
    direction: Literal["outgoing", "incoming"]
    other: PersonOut | None = Field(description="null: the other person deleted their account")
    media: Literal["audio", "video"]
    state: Literal["ringing", "accepted", "ended", "missed", "rejected", "failed"]
    end_reason: str | None
    created_at: datetime
    accepted_at: datetime | None
    ended_at: datetime | None
    duration_seconds: int | None = Field(description="From answer to hang-up; null if never answered")
    missed_unseen: bool = Field(description="A missed incoming call the person has not looked at (in the badge)")


class MissedOut(BaseModel):
    missed: int = Field(description="Missed incoming calls not yet seen (the badge)")


class MarkedOut(BaseModel):
    marked: int = Field(description="How many missed calls were marked seen now")


class IceServerOut(BaseModel):
    urls: list[str]
    username: str | None = Field(None, description='TURN only: "<expiry unix time>:<user id>"')
    credential: str | None = Field(None, description="TURN only: base64(HMAC-SHA1(secret, username))")


class IceServersOut(BaseModel):
    ice_servers: list[IceServerOut] = Field(description="Pass as RTCPeerConnection's `iceServers`")
    ttl_seconds: int | None = Field(description="How long the TURN credential lasts; null without TURN")
    expires_at: datetime | None = Field(description="Fetch new credentials before this; null without TURN")
