"""Push providers behind one interface: log (default), OneSignal (REST) and FCM (firebase-admin).

A backend sends one message to one device token and returns the provider's message id, or raises
`PushError`: `invalid_token` means the provider says the token is dead (the device is deactivated),
`permanent` means a retry cannot help; anything else is retried with backoff.
Tests swap in the real OneSignal / FCM backends over a fake HTTP transport (`use_push_backend`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

import requests

from loopin.core.lazy import lazy_module
from loopin.core.logging import get_logger
from loopin.core.settings import get_settings

if TYPE_CHECKING:
    import firebase_admin
    from firebase_admin import credentials, exceptions, messaging
else:  # loaded by the first FCM push (loopin.core.lazy)
    firebase_admin = lazy_module("firebase_admin")
    credentials = lazy_module("firebase_admin.credentials")
    exceptions = lazy_module("firebase_admin.exceptions")
    messaging = lazy_module("firebase_admin.messaging")

log = get_logger("loopin.push")


@dataclass(frozen=True)
class PushMessage:
    title: str
    body: str
    data: dict[str, str] = field(default_factory=dict)
    idempotency_key: str = ""
    collapse_key: str = ""  # a newer push with the same key replaces the older one on the device
    high_priority: bool = False  # wake the device now (an incoming call), not when the OS batches
    ttl_seconds: int = 0  # drop the push if it cannot be delivered within this (0: the provider's default)


class PushError(Exception):
    def __init__(self, message: str, *, permanent: bool = False, invalid_token: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent or invalid_token
        self.invalid_token = invalid_token


class PushBackend(Protocol):
    name: str

    def send(self, *, token: str, message: PushMessage) -> str:
        """Deliver one message to one device; return the provider's message id or raise PushError."""
        ...


@dataclass
class LoggedPush:
    token: str
    message: PushMessage


class LogPushBackend:
    """Logs each push and keeps the last ones in memory (`outbox`) for developers and tests."""

    name = "log"

    def __init__(self) -> None:
        self.outbox: list[LoggedPush] = []
        self._lock = threading.Lock()

    def send(self, *, token: str, message: PushMessage) -> str:
        with self._lock:
            self.outbox.append(LoggedPush(token=token, message=message))
            del self.outbox[:-500]
            number = len(self.outbox)
        log.info("push_logged", title=message.title, token_tail=token[-6:])
        return f"log-{number}"


class OneSignalPushBackend:
    """OneSignal's REST API over `requests`; `session` is injectable (tests mount a fake adapter)."""

    name = "onesignal"

    def __init__(self, *, session: Any = None, app_id: str | None = None, api_key: str | None = None) -> None:

        s = get_settings()
        self.app_id = app_id or s.ONESIGNAL_APP_ID
        self.api_key = api_key or s.ONESIGNAL_API_KEY
        self.url = s.ONESIGNAL_API_URL
        if not (self.app_id and self.api_key):
            raise RuntimeError("OneSignal needs ONESIGNAL_APP_ID and ONESIGNAL_API_KEY")
        self.session = session or requests.Session()

    def send(self, *, token: str, message: PushMessage) -> str:

        payload: dict[str, Any] = {
            "app_id": self.app_id,
            "target_channel": "push",
            "include_subscription_ids": [token],
            "headings": {"en": message.title},
            "contents": {"en": message.body},
            "data": message.data,
        }
        if message.idempotency_key:
            # OneSignal drops a second request with the same key (30 days): a retry never pushes twice.
            payload["idempotency_key"] = message.idempotency_key
        if message.collapse_key:
            payload["collapse_id"] = message.collapse_key[:64]
            payload["thread_id"] = message.collapse_key[:64]
        if message.high_priority:
            payload["priority"] = 10
        if message.ttl_seconds:
            payload["ttl"] = message.ttl_seconds
        try:
            resp = self.session.post(
                self.url,
                json=payload,
                headers={"Authorization": f"Key {self.api_key}", "Accept": "application/json"},
                timeout=10,
            )
        except requests.RequestException as exc:
            raise PushError(f"onesignal unreachable: {type(exc).__name__}") from None
        if resp.status_code == 429 or resp.status_code >= 500:
            raise PushError(f"onesignal unavailable: HTTP {resp.status_code}")
        try:
            body = resp.json()
        except ValueError:
            body = {}
        if resp.status_code >= 400:
            raise PushError(f"onesignal rejected the push: HTTP {resp.status_code}", permanent=True)
        errors = body.get("errors") if isinstance(body, dict) else None
        if errors:
            # {"errors": {"invalid_player_ids": [...]}} or ["All included players are not subscribed"]
            if isinstance(errors, dict) and token in (errors.get("invalid_player_ids") or []):
                raise PushError("onesignal: invalid subscription id", invalid_token=True)
            if isinstance(errors, list) and any("not subscribed" in str(e) for e in errors):
                raise PushError("onesignal: subscription not subscribed", invalid_token=True)
            raise PushError(f"onesignal error: {str(errors)[:200]}", permanent=True)
        message_id = str(body.get("id") or "")
        if not message_id:
            raise PushError("onesignal answered without a notification id")
        return message_id


class FcmPushBackend:
    """Firebase Cloud Messaging via firebase-admin (HTTP v1 API, over a `requests` session).

    `app` is a firebase_admin App; by default one is initialised from FCM_CREDENTIALS_FILE / FCM_PROJECT_ID.
    Tests pass an app with a static-token credential and mount a fake adapter on the SDK's session
    (`mount_adapter`), which is how firebase-admin's own test suite fakes FCM.
    """

    name = "fcm"

    def __init__(self, *, app: Any = None) -> None:

        if app is None:
            s = get_settings()
            cred = (
                credentials.Certificate(s.FCM_CREDENTIALS_FILE)
                if s.FCM_CREDENTIALS_FILE
                else credentials.ApplicationDefault()
            )
            options = {"projectId": s.FCM_PROJECT_ID} if s.FCM_PROJECT_ID else {}
            try:
                app = firebase_admin.get_app("loopin")
            except ValueError:
                app = firebase_admin.initialize_app(cred, options, name="loopin")
        self.app = app

    def mount_adapter(self, adapter: Any) -> None:
        """Route the SDK's FCM requests through `adapter` (a requests transport adapter)."""

        service = messaging._get_messaging_service(self.app)
        service._client.session.mount("https://fcm.googleapis.com", adapter)

    def send(self, *, token: str, message: PushMessage) -> str:

        # firebase-admin 7 targets a Firebase installation id (`fid`); `token=` is deprecated there.
        msg = messaging.Message(
            fid=token,
            notification=messaging.Notification(title=message.title, body=message.body),
            data={k: str(v) for k, v in message.data.items()},
            android=_fcm_android(messaging, message),
            apns=_fcm_apns(messaging, message),
        )
        try:
            return str(messaging.send(msg, app=self.app))
        except (messaging.UnregisteredError, messaging.SenderIdMismatchError):
            raise PushError("fcm: token unregistered", invalid_token=True) from None
        except exceptions.InvalidArgumentError as exc:
            # FCM answers INVALID_ARGUMENT for a malformed registration token (and for bad payloads).
            invalid = "token" in str(exc).lower()
            raise PushError(f"fcm rejected the push: {str(exc)[:150]}", permanent=True, invalid_token=invalid) from None
        except exceptions.FirebaseError as exc:
            permanent = exc.code in (exceptions.PERMISSION_DENIED, exceptions.UNAUTHENTICATED, exceptions.NOT_FOUND)
            raise PushError(f"fcm error: {exc.code}", permanent=permanent) from None


def _fcm_android(messaging: Any, message: PushMessage) -> Any:
    fields: dict[str, Any] = {}
    if message.collapse_key:
        fields["collapse_key"] = message.collapse_key
    if message.high_priority:
        fields["priority"] = "high"
    if message.ttl_seconds:
        fields["ttl"] = message.ttl_seconds
    return messaging.AndroidConfig(**fields) if fields else None


def _fcm_apns(messaging: Any, message: PushMessage) -> Any:
    headers: dict[str, str] = {}
    if message.collapse_key:
        headers["apns-collapse-id"] = message.collapse_key[:64]
    if message.high_priority:
        headers["apns-priority"] = "10"
    return messaging.APNSConfig(headers=headers) if headers else None


_overrides: dict[str, PushBackend] = {}


@lru_cache
def _log_backend() -> LogPushBackend:
    return LogPushBackend()


@lru_cache
def _live_backend(provider: str) -> PushBackend:
    if provider == "onesignal":
        return OneSignalPushBackend()
    return FcmPushBackend()


def get_push_backend(provider: str) -> PushBackend:
    """The backend for a device's provider: an override, else the live provider (PUSH_BACKEND=live), else log."""
    if provider in _overrides:
        return _overrides[provider]
    if get_settings().PUSH_BACKEND == "live":
        return _live_backend(provider)
    return _log_backend()


def log_outbox() -> list[LoggedPush]:
    return _log_backend().outbox


def use_push_backend(provider: str, backend: PushBackend | None) -> None:
    """Swap the backend of one provider (tests: real backends over a fake HTTP transport); None restores."""
    if backend is None:
        _overrides.pop(provider, None)
    else:
        _overrides[provider] = backend
