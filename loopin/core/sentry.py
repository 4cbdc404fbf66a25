"""Optional error reporting to Sentry (`SENTRY_DSN`), with phone numbers, codes and tokens scrubbed.

Nothing is sent without a DSN. `send_default_pii` stays off, and `scrub` runs on every event before it
leaves the process: values under sensitive keys and anything shaped like a phone number become
"[Filtered]".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from loopin.core.lazy import lazy_module
from loopin.core.settings import get_settings

if TYPE_CHECKING:
    import sentry_sdk
else:
    sentry_sdk = lazy_module("sentry_sdk")  # ~6 MiB a process; loaded only when a DSN turns it on

FILTERED = "[Filtered]"
_SENSITIVE_KEY = re.compile(
    r"phone|otp|code|token|authorization|password|secret|cookie|session|refresh|jwt|sid", re.IGNORECASE
)
# A run of 7+ digits, optionally with +, spaces, dashes, dots or brackets between them.
_PHONE = re.compile(r"\+?\d[\d\s().\-]{5,}\d")
_OTP_TEXT = re.compile(r"(code is )\d{4,8}", re.IGNORECASE)


def _scrub_text(value: str) -> str:
    value = _OTP_TEXT.sub(rf"\g<1>{FILTERED}", value)
    return _PHONE.sub(FILTERED, value)


def _scrub(value: Any, depth: int = 0) -> Any:
    if depth > 20:
        return value
    if isinstance(value, dict):
        return {
            k: (FILTERED if isinstance(k, str) and _SENSITIVE_KEY.search(k) else _scrub(v, depth + 1))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(v, depth + 1) for v in value]
    if isinstance(value, str):
        return _scrub_text(value)
    return value


# Event keys that identify the event to Sentry itself; their values are never personal data.
_STRUCTURAL = {"event_id", "timestamp", "platform", "level", "logger", "release", "environment", "server_name"}


def scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """before_send: drop phones, OTPs and tokens from every part of the event."""
    return {k: (v if k in _STRUCTURAL else _scrub(v)) for k, v in event.items()}


def sentry_options() -> dict[str, Any] | None:
    s = get_settings()
    if not s.SENTRY_DSN:
        return None
    return {
        "dsn": s.SENTRY_DSN,
        "environment": s.ENVIRONMENT,
        "traces_sample_rate": s.SENTRY_TRACES_SAMPLE_RATE,
        "send_default_pii": False,
        "max_request_body_size": "never",
        "before_send": scrub,
        "before_send_transaction": scrub,
    }


_initialised = False


def sentry_init() -> bool:
    """Start the SDK once per process when SENTRY_DSN is set; returns whether it is on."""
    global _initialised
    options = sentry_options()
    if options is None or _initialised:
        return _initialised

    sentry_sdk.init(**options)
    _initialised = True
    return True
