"""The sync side of a socket's life: who opens it (the access token), which rooms it starts in, presence.

Domains add their part with `register_connection_listener`: `on_open(user)` returns the rooms a new socket
joins (chat: its conversations) and may record presence; `on_close(user_id)` runs when a socket closes.
Both run on the connection's worker thread, in the one sync call of the connect/disconnect handler.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from loopin.accounts.error_codes import AccountErrorCode
from loopin.accounts.selectors import session_user
from loopin.accounts.tokens import access_token_decode
from loopin.core import hooks
from loopin.core.error_codes import CoreErrorCode
from loopin.core.errors import NotAuthenticated
from loopin.realtime.delivery import disconnect_room, session_room, user_room
from loopin.realtime.error_codes import RealtimeErrorCode

OnOpen = Callable[[Any], list[str]]
OnClose = Callable[[uuid.UUID], None]

_listeners: dict[str, tuple[OnOpen | None, OnClose | None]] = {}


def register_connection_listener(name: str, *, on_open: OnOpen | None = None, on_close: OnClose | None = None) -> None:
    _listeners[name] = (on_open, on_close)


@dataclass
class OpenedConnection:
    user_id: uuid.UUID
    session_id: uuid.UUID
    rooms: list[str] = field(default_factory=list)


def connection_open(*, token: str | None) -> OpenedConnection:
    """Check a handshake's access token like a request's (session alive, not suspended); list the rooms."""
    if not token:
        raise NotAuthenticated(
            'Send the access token in the handshake: io(url, {auth: {token: "<access token>"}}).',
            code=CoreErrorCode.NOT_AUTHENTICATED,
        )
    claims = access_token_decode(token)
    user = session_user(user_id=claims.user_id, session_id=claims.session_id)
    if user.deleted_at is not None:
        raise NotAuthenticated("This account was deleted.", code=RealtimeErrorCode.ACCOUNT_DELETED)
    rooms = [user_room(user.id), session_room(claims.session_id)]
    for on_open, _ in _listeners.values():
        if on_open is not None:
            rooms.extend(on_open(user))
    return OpenedConnection(user_id=user.id, session_id=claims.session_id, rooms=rooms)


def connection_closed(*, user_id: uuid.UUID) -> None:
    for _, on_close in _listeners.values():
        if on_close is not None:
            on_close(user_id)


REASONS = {
    "logout": (RealtimeErrorCode.SESSION_ENDED, "You signed out on this device."),
    "suspended": (AccountErrorCode.ACCOUNT_SUSPENDED, "This account is suspended. Contact support."),
    "account_deleted": (RealtimeErrorCode.ACCOUNT_DELETED, "This account was deleted."),
}


def on_sessions_ended(*, user_id: uuid.UUID, session_id: uuid.UUID | None, reason: str) -> None:
    """A revoked session, a suspension or a deletion closes the sockets it opened, in every process."""
    code, message = REASONS.get(reason, (AccountErrorCode.SESSION_EXPIRED, "This session has ended. Sign in again."))
    room = session_room(session_id) if session_id is not None else user_room(user_id)
    disconnect_room(room, code=code, message=message)


def register_realtime_hooks() -> None:
    hooks.register_sessions_ended("realtime.disconnect", on_sessions_ended)
