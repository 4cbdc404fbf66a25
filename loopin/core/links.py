"""The origin every link the API hands out starts with (pictures, checkout, invite and share links).

Production names it (PUBLIC_BASE_URL is required there). Elsewhere an unset PUBLIC_BASE_URL means "where
this server was reached": `make run` on another port, or a phone on the network calling the laptop's
address, gets links it can open. Without a request (a job, a management command) it is
http://localhost:PORT.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from loopin.core.settings import get_settings

_request_origin: ContextVar[str | None] = ContextVar("loopin_request_origin", default=None)


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            text: str = value.decode("latin-1")
            return text
    return None


def origin_of(scope: dict[str, Any]) -> str | None:
    """scheme://host[:port] of an HTTP request as its client addressed it."""
    host = _header(scope, b"host")
    if not host and scope.get("server"):
        server_host, server_port = scope["server"]
        host = f"{server_host}:{server_port}" if server_port else server_host
    if not host or any(c in host for c in "/\\@ "):
        return None
    return f"{scope.get('scheme', 'http')}://{host}"


def bind_request_origin(scope: dict[str, Any]) -> None:
    """Remember this request's origin for `public_base_url()` (called once per request by RequestMiddleware)."""
    if not get_settings().PUBLIC_BASE_URL:
        _request_origin.set(origin_of(scope))


def public_base_url() -> str:
    """The configured origin, else the current request's, else http://localhost:PORT; no trailing slash."""
    settings = get_settings()
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL
    return _request_origin.get() or f"http://localhost:{settings.PORT}"


def absolute_url(path: str) -> str:
    """An absolute link for a path on this server ('/e/ab12cd34' -> 'https://loopinsocial.in/e/ab12cd34')."""
    return path if path.startswith(("http://", "https://")) else public_base_url() + "/" + path.lstrip("/")
