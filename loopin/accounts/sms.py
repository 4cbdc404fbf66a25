"""SMS behind one small interface: console (development) and Twilio (when configured)."""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from loopin.core.lazy import lazy_module
from loopin.core.settings import get_settings

if TYPE_CHECKING:
    from twilio import rest as twilio_rest
    from twilio.base import exceptions as twilio_errors
else:  # loaded by the first Twilio backend (loopin.core.lazy)
    twilio_errors = lazy_module("twilio.base.exceptions")
    twilio_rest = lazy_module("twilio.rest")


class SmsSendError(Exception):
    """The provider did not accept the message. `permanent` means a retry cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class SmsBackend(Protocol):
    name: str

    def send(self, *, to: str, body: str) -> str:
        """Send one message; return the provider's message id or raise SmsSendError."""
        ...


@dataclass
class SentSms:
    to: str
    body: str


class ConsoleSmsBackend:
    """Prints each message to the server console; the only place an OTP may appear in output.

    It also keeps the last messages in memory (`outbox`) so a developer or a test can read them.
    """

    name = "console"

    def __init__(self) -> None:
        self.outbox: list[SentSms] = []
        self._lock = threading.Lock()

    def send(self, *, to: str, body: str) -> str:
        with self._lock:
            self.outbox.append(SentSms(to=to, body=body))
            del self.outbox[:-200]
            number = len(self.outbox)
        print(f"\n[SMS to {to}] {body}\n", file=sys.stdout, flush=True)
        return f"console-{number}"


class TwilioSmsBackend:
    name = "twilio"

    def __init__(self, *, http_client: Any = None) -> None:

        s = get_settings()
        self.from_number = s.TWILIO_FROM_NUMBER
        self.messaging_service_sid = s.TWILIO_MESSAGING_SERVICE_SID
        if not (self.from_number or self.messaging_service_sid):
            raise RuntimeError("Twilio needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID")
        self.client = twilio_rest.Client(s.TWILIO_ACCOUNT_SID, s.TWILIO_AUTH_TOKEN, http_client=http_client)

    def send(self, *, to: str, body: str) -> str:

        kwargs: dict[str, Any] = {"to": to, "body": body}
        if self.messaging_service_sid:
            kwargs["messaging_service_sid"] = self.messaging_service_sid
        else:
            kwargs["from_"] = self.from_number
        try:
            message = self.client.messages.create(**kwargs)
        except twilio_errors.TwilioRestException as exc:
            # 4xx other than 429 (bad number, unverified destination...) will not get better by retrying.
            permanent = 400 <= exc.status < 500 and exc.status != 429
            raise SmsSendError(
                f"twilio rejected the message: HTTP {exc.status} code {exc.code}", permanent=permanent
            ) from None
        except twilio_errors.TwilioException as exc:
            raise SmsSendError(f"twilio unavailable: {type(exc).__name__}") from None
        except Exception as exc:  # network errors from the HTTP client
            raise SmsSendError(f"twilio unreachable: {type(exc).__name__}") from None
        return str(message.sid)


_override: SmsBackend | None = None


@lru_cache
def _configured_backend() -> SmsBackend:
    return TwilioSmsBackend() if get_settings().sms_backend == "twilio" else ConsoleSmsBackend()


def get_sms_backend() -> SmsBackend:
    return _override or _configured_backend()


def use_sms_backend(backend: SmsBackend | None) -> None:
    """Swap the backend (tests use a Twilio backend over a fake HTTP transport)."""
    global _override
    _override = backend
