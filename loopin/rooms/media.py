"""LiveKit behind a small interface: access tokens per role, and the room service calls we make.

`media_server()` is the real LiveKit (livekit-api's RoomService over HTTP/Twirp) when LIVEKIT_URL is set,
else a local stand-in for embedded mode that only records the calls (no media server; clients get a token
for ws://127.0.0.1:7880, where `livekit-server --dev` listens). Tests fake LiveKit at its HTTP boundary.
"""

from __future__ import annotations

import asyncio
import threading
import warnings
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import aiohttp
from django.utils import timezone
from jwt.warnings import InsecureKeyLengthWarning

from loopin.core.errors import ServiceUnavailable
from loopin.core.lazy import lazy_module
from loopin.core.logging import get_logger
from loopin.core.settings import get_settings
from loopin.rooms import rules
from loopin.rooms.error_codes import RoomErrorCode

if TYPE_CHECKING:
    from livekit import api as lk

    from loopin.accounts.models import User
else:
    lk = lazy_module("livekit.api")  # loaded by the first token or media call (loopin.core.lazy)

log = get_logger("loopin.rooms")

# `livekit-server --dev`'s well-known key pair: used only outside production when none is configured.
DEV_API_KEY = "devkey"
DEV_API_SECRET = "secret"  # public development value, refused in production
DEV_WS_URL = "ws://127.0.0.1:7880"

T = TypeVar("T")


class MediaUnavailable(Exception):
    """LiveKit could not be reached or failed (5xx): the caller may retry later."""


def credentials() -> tuple[str, str]:
    """The configured key pair; outside production without one, livekit-server --dev's."""
    s = get_settings()
    if s.LIVEKIT_API_KEY and s.LIVEKIT_API_SECRET:
        return s.LIVEKIT_API_KEY, s.LIVEKIT_API_SECRET
    if s.ENVIRONMENT == "production":
        raise ServiceUnavailable("Audio rooms are not set up yet.", code=RoomErrorCode.MEDIA_NOT_CONFIGURED)
    return DEV_API_KEY, DEV_API_SECRET


@contextmanager
def dev_key_quiet(secret: str) -> Iterator[None]:
    """The dev secret is 6 bytes (livekit-server --dev's): PyJWT warns on every signature with it. Only
    outside production, where a configured secret is checked for strength at start-up."""
    if secret != DEV_API_SECRET:
        yield
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        yield


def client_url() -> str:
    """The URL apps connect to (LiveKit's WebSocket signalling)."""
    s = get_settings()
    if s.LIVEKIT_WS_URL:
        return s.LIVEKIT_WS_URL
    if s.LIVEKIT_URL:
        return s.LIVEKIT_URL.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
    return DEV_WS_URL


# ---------------------------------------------------------------- tokens


def grants_for(*, media_room: str, role: str) -> lk.VideoGrants:
    """Audience: listen only. Speakers, moderators, hosts: publish their microphone (audio only).
    Hosts and moderators: LiveKit's room_admin. Nobody publishes data or changes their own metadata."""
    publish = rules.can_publish(role)
    return lk.VideoGrants(
        room_join=True,
        room=media_room,
        can_subscribe=True,
        can_publish=publish,
        can_publish_data=False,
        can_publish_sources=["microphone"] if publish else [],
        room_admin=rules.is_admin(role) or None,
        can_update_own_metadata=False,
    )


@dataclass(frozen=True)
class MediaToken:
    url: str
    token: str
    expires_at: datetime


def access_token(*, user: User, media_room: str, role: str) -> MediaToken:
    """A LiveKit access token for `user` in `media_room` with the grants of `role`."""
    key, secret = credentials()
    ttl = timedelta(seconds=get_settings().ROOMS_TOKEN_TTL_SECONDS)
    with dev_key_quiet(secret):
        jwt = (
            lk.AccessToken(key, secret)
            .with_identity(str(user.id))
            .with_name(user.name or "")
            .with_ttl(ttl)
            .with_grants(grants_for(media_room=media_room, role=role))
            .to_jwt()
        )
    return MediaToken(url=client_url(), token=jwt, expires_at=timezone.now() + ttl)


def webhook_event(*, body: str, authorization: str) -> Any:
    """A LiveKit webhook's event, once its Authorization JWT (our key, signed with our secret) carries the
    sha256 of this very body; raises ValueError otherwise."""
    key, secret = credentials()
    token = authorization.strip()
    if token.lower().startswith("bearer "):
        token = token[7:].strip()
    if not token:
        raise ValueError("no token")
    try:
        with dev_key_quiet(secret):
            return lk.WebhookReceiver(lk.TokenVerifier(key, secret)).receive(body, token)
    except Exception as exc:  # jwt's errors, the library's bare Exception for a hash mismatch, bad JSON
        raise ValueError(str(exc) or type(exc).__name__) from None


# ---------------------------------------------------------------- the room service


class MediaServer(Protocol):
    def set_permissions(self, *, media_room: str, identity: str, role: str) -> bool:
        """UpdateParticipant with the permissions of `role`; false if they are not connected."""

    def remove_participant(self, *, media_room: str, identity: str) -> bool:
        """RemoveParticipant; false if they are not connected."""

    def mute(self, *, media_room: str, identity: str) -> int:
        """MutePublishedTrack on each of their audio tracks; how many."""

    def delete_room(self, *, media_room: str) -> bool:
        """DeleteRoom: everyone is disconnected."""


def permission_for(role: str) -> Any:
    publish = rules.can_publish(role)
    return lk.ParticipantPermission(
        can_subscribe=True,
        can_publish=publish,
        can_publish_data=False,
        can_publish_sources=[lk.TrackSource.MICROPHONE] if publish else [],
        can_update_metadata=False,
    )


def _run(make: Callable[[], Awaitable[T]]) -> T:
    """Run one coroutine to completion from sync code (a request's worker thread or a Celery task)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())  # type: ignore[arg-type]
    box: dict[str, Any] = {}

    def in_thread() -> None:
        try:
            box["value"] = asyncio.run(make())  # type: ignore[arg-type]
        except BaseException as exc:
            box["error"] = exc

    t = threading.Thread(target=in_thread)
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


class LiveKitServer:
    """The real LiveKit: livekit-api's RoomService (Twirp over HTTP), a new session per call."""

    def __init__(self, url: str, key: str, secret: str, timeout: float = 10.0) -> None:
        self.url, self.key, self.secret, self.timeout = url, key, secret, timeout

    def _call(self, fn: Callable[[Any], Awaitable[T]]) -> T:
        async def go() -> T:
            async with lk.LiveKitAPI(
                self.url,
                self.key,
                self.secret,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                failover=False,
            ) as client:
                return await fn(client.room)

        try:
            with dev_key_quiet(self.secret):
                return _run(go)
        except lk.TwirpError as exc:
            if exc.status >= 500:
                raise MediaUnavailable(f"LiveKit answered {exc.status} {exc.code}") from None
            raise
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise MediaUnavailable(f"LiveKit unreachable: {type(exc).__name__}") from None

    def _absent_ok(self, fn: Callable[[Any], Awaitable[Any]]) -> bool:
        try:
            self._call(fn)
            return True
        except lk.TwirpError as exc:
            if exc.code == lk.TwirpErrorCode.NOT_FOUND:
                return False
            raise

    def set_permissions(self, *, media_room: str, identity: str, role: str) -> bool:
        req = lk.UpdateParticipantRequest(room=media_room, identity=identity, permission=permission_for(role))
        return self._absent_ok(lambda room: room.update_participant(req))

    def remove_participant(self, *, media_room: str, identity: str) -> bool:
        req = lk.RoomParticipantIdentity(room=media_room, identity=identity)
        return self._absent_ok(lambda room: room.remove_participant(req))

    def mute(self, *, media_room: str, identity: str) -> int:
        async def go(room: Any) -> int:
            try:
                info = await room.get_participant(lk.RoomParticipantIdentity(room=media_room, identity=identity))
            except lk.TwirpError as exc:
                if exc.code == lk.TwirpErrorCode.NOT_FOUND:
                    return 0
                raise
            muted = 0
            for track in info.tracks:
                if track.type == lk.TrackType.AUDIO and not track.muted:
                    await room.mute_published_track(
                        lk.MuteRoomTrackRequest(room=media_room, identity=identity, track_sid=track.sid, muted=True)
                    )
                    muted += 1
            return muted

        return self._call(go)

    def delete_room(self, *, media_room: str) -> bool:
        return self._absent_ok(lambda room: room.delete_room(lk.DeleteRoomRequest(room=media_room)))


@dataclass
class LocalMediaServer:
    """Embedded mode: no LiveKit. Records what would have been asked (the admin and tests can read it)."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _record(self, name: str, **kwargs: Any) -> None:
        with self.lock:
            self.calls.append((name, kwargs))

    def set_permissions(self, *, media_room: str, identity: str, role: str) -> bool:
        self._record("UpdateParticipant", room=media_room, identity=identity, role=role)
        return False

    def remove_participant(self, *, media_room: str, identity: str) -> bool:
        self._record("RemoveParticipant", room=media_room, identity=identity)
        return False

    def mute(self, *, media_room: str, identity: str) -> int:
        self._record("MutePublishedTrack", room=media_room, identity=identity)
        return 0

    def delete_room(self, *, media_room: str) -> bool:
        self._record("DeleteRoom", room=media_room)
        return False


@lru_cache
def _local() -> LocalMediaServer:
    return LocalMediaServer()


def media_server() -> MediaServer:
    """LiveKit when LIVEKIT_URL is set, else the local stand-in (read on every call: tests switch it)."""
    s = get_settings()
    if s.LIVEKIT_URL:
        key, secret = credentials()
        return LiveKitServer(s.LIVEKIT_URL, key, secret)
    return _local()
