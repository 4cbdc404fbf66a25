"""Telling devices a pass changed: an empty push through APNs, behind one interface.

`log` (the default) keeps the pushes in memory and logs them; `apns` posts to Apple over HTTP/2 with the
pass type id certificate as the TLS client certificate (how Wallet pushes are authorised). A backend raises
`PassPushError`: `invalid_token` means Apple says the device token is dead, `permanent` that a retry
cannot help; anything else is retried. Tests use the real APNs backend over an httpx MockTransport.
"""

from __future__ import annotations

import os
import ssl
import tempfile
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from loopin.core.lazy import lazy_module
from loopin.core.logging import get_logger
from loopin.core.settings import get_settings
from loopin.wallet import pkpass

if TYPE_CHECKING:
    import httpx
else:
    httpx = lazy_module("httpx")  # ~5 MiB with HTTP/2; loaded when the APNs backend is first built

log = get_logger("loopin.wallet.push")


class PassPushError(Exception):
    def __init__(self, message: str, *, permanent: bool = False, invalid_token: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent or invalid_token
        self.invalid_token = invalid_token


class PassPushBackend(Protocol):
    name: str

    def send(self, *, push_token: str, topic: str) -> None:
        """Tell one device that passes of `topic` (the pass type id) changed, or raise PassPushError."""
        ...


@dataclass(frozen=True)
class LoggedPassPush:
    push_token: str
    topic: str


class LogPassPush:
    """Logs each push and keeps the last ones (`outbox`) for developers."""

    name = "log"

    def __init__(self) -> None:
        self.outbox: list[LoggedPassPush] = []
        self._lock = threading.Lock()

    def send(self, *, push_token: str, topic: str) -> None:
        with self._lock:
            self.outbox.append(LoggedPassPush(push_token=push_token, topic=topic))
            del self.outbox[:-500]
        log.info("wallet_push_logged", topic=topic, token_tail=push_token[-6:])


def _client_certificate_context() -> ssl.SSLContext:
    """TLS with the pass certificate and key (ssl reads them from a file only: a private temporary one)."""
    s = get_settings()
    pkpass.signer()  # 503-style refusal when missing or unreadable
    context = ssl.create_default_context()
    fd, path = tempfile.mkstemp(suffix=".pem")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pkpass.pem_bytes(s.WALLET_CERT_PEM) + pkpass.pem_bytes(s.WALLET_KEY_PEM))
        context.load_cert_chain(path, password=s.WALLET_KEY_PASSWORD or None)
    finally:
        os.unlink(path)
    return context


class ApnsPassPush:
    """APNs over HTTP/2 (httpx): POST /3/device/<token>, `apns-topic` = the pass type id, body `{}`."""

    name = "apns"

    def __init__(self, *, transport: httpx.BaseTransport | None = None, base_url: str | None = None) -> None:
        url = base_url or get_settings().WALLET_APNS_URL
        if transport is not None:
            self.client = httpx.Client(transport=transport, base_url=url, timeout=10)
        else:
            self.client = httpx.Client(http2=True, verify=_client_certificate_context(), base_url=url, timeout=10)

    def send(self, *, push_token: str, topic: str) -> None:
        try:
            resp = self.client.post(
                f"/3/device/{push_token}",
                content=b"{}",
                headers={"apns-topic": topic, "apns-push-type": "background", "content-type": "application/json"},
            )
        except httpx.HTTPError as exc:
            raise PassPushError(f"apns unreachable: {type(exc).__name__}") from None
        if resp.status_code == 200:
            return
        try:
            reason = str(resp.json().get("reason", ""))
        except ValueError:
            reason = ""
        if resp.status_code == 410 or reason in ("BadDeviceToken", "Unregistered", "DeviceTokenNotForTopic"):
            raise PassPushError(f"apns: {reason or 'unregistered'}", invalid_token=True)
        if resp.status_code == 429 or resp.status_code >= 500:
            raise PassPushError(f"apns unavailable: HTTP {resp.status_code}")
        raise PassPushError(f"apns rejected the push: HTTP {resp.status_code} {reason}", permanent=True)


_lock = threading.Lock()
_backends: dict[str, PassPushBackend] = {}
_override: list[PassPushBackend] = []


def backend() -> PassPushBackend:
    """The configured backend (made once), or the one a test put in place."""
    if _override:
        return _override[-1]
    name = get_settings().WALLET_PUSH_BACKEND
    with _lock:
        if name not in _backends:
            _backends[name] = ApnsPassPush() if name == "apns" else LogPassPush()
        return _backends[name]


def use_pass_push_backend(chosen: PassPushBackend | None) -> None:
    """Put a backend in place (tests: the APNs one over a fake transport); None restores the configured one."""
    _override.clear()
    if chosen is not None:
        _override.append(chosen)
