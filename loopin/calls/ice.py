"""ICE servers for a person's WebRTC peer connection: STUN, and TURN with time-limited credentials.

The credentials follow coturn's REST API (`use-auth-secret` with `static-auth-secret`, the scheme of
draft-uberti-behave-turn-rest): username `"<expiry unix time>:<user id>"`, password
base64(HMAC-SHA1(secret, username)). coturn recomputes the HMAC and refuses a username whose time has
passed, so nothing is stored and a leaked credential stops working at its expiry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from loopin.core.settings import get_settings

if TYPE_CHECKING:
    from loopin.accounts.models import User


def turn_credential(*, secret: str, username: str) -> str:
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def ice_servers(*, user: User, now: datetime | None = None) -> dict[str, Any]:
    """The RTCPeerConnection `iceServers` for this person; TURN only when a TURN server is configured."""
    s = get_settings()
    now = now or timezone.now()
    servers: list[dict[str, Any]] = []
    if s.CALLS_STUN_URLS:
        servers.append({"urls": list(s.CALLS_STUN_URLS)})
    expires = int(now.timestamp()) + s.CALLS_TURN_TTL_SECONDS
    turn = bool(s.CALLS_TURN_URLS and s.CALLS_TURN_SECRET)
    if turn:
        username = f"{expires}:{user.id}"
        servers.append(
            {
                "urls": list(s.CALLS_TURN_URLS),
                "username": username,
                "credential": turn_credential(secret=s.CALLS_TURN_SECRET, username=username),
            }
        )
    return {
        "ice_servers": servers,
        "ttl_seconds": s.CALLS_TURN_TTL_SECONDS if turn else None,
        "expires_at": datetime.fromtimestamp(expires, tz=UTC) if turn else None,
    }
