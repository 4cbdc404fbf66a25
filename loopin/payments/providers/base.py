"""The one interface every payment provider implements, and the shapes it speaks in.

Providers never touch the database: they turn our order into a provider checkout, read a webhook
(after checking its signature over the raw body), check a client-side confirmation, ask about an
order's payment, and refund. HTTP goes through `http_session()`, which tests replace with a fake
transport (the providers' SDKs take a `requests` session), so no test reaches the internet.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests

from loopin.payments.errors import InvalidSignature

_session_override: requests.Session | None = None


def use_http_session(session: requests.Session | None) -> None:
    """Swap the HTTP session of every real provider (tests pass one with a fake adapter mounted)."""
    global _session_override
    _session_override = session


def http_session() -> requests.Session:
    return _session_override or requests.Session()


@dataclass(frozen=True)
class Checkout:
    provider_order_id: str
    data: dict[str, Any]


# Kinds a webhook is read as.
PAYMENT_SUCCEEDED = "payment.succeeded"
PAYMENT_FAILED = "payment.failed"
REFUND_PROCESSED = "refund.processed"
REFUND_FAILED = "refund.failed"
IGNORED = "ignored"


@dataclass(frozen=True)
class Notification:
    """A verified webhook, read into our terms."""

    event_id: str
    kind: str
    provider_type: str
    provider_order_id: str = ""
    payment_id: str = ""
    amount_minor: int | None = None
    currency: str = ""  # ISO 4217, upper case; "" when the provider did not say
    refund_id: str = ""
    refund_key: str = ""
    reason: str = ""
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PaymentState:
    """What the provider says about an order's payment: 'paid', 'failed' or 'pending'."""

    state: str
    payment_id: str = ""
    amount_minor: int | None = None
    currency: str = ""
    reason: str = ""


@dataclass(frozen=True)
class RefundState:
    """'pending', 'processed' or 'failed'."""

    provider_refund_id: str
    state: str


class PaymentProvider(Protocol):
    name: str
    # True: an open order asked for again (the buyer left the provider's page) needs a fresh attempt, because the
    # provider refuses an order reference it has seen (PayU's txnid); the others reuse their checkout.
    new_txnid_per_checkout: bool

    def order_id_bounds(self, provider_order_id: str) -> tuple[uuid.UUID, uuid.UUID] | None:
        """The range of our order ids a reference of the provider's can name (PayU's txnid starts with the order
        id); None when it names none (every other provider)."""
        ...

    def create_checkout(self, order: Any) -> Checkout: ...

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> Notification: ...

    def verify_client(self, order: Any, payload: Mapping[str, Any]) -> PaymentState: ...

    def fetch_status(self, order: Any) -> PaymentState: ...

    def refund(self, order: Any, *, amount_minor: int, idempotency_key: str) -> RefundState: ...


@dataclass(frozen=True)
class AccountState:
    """What the provider says about a settlement account: 'active' (takes transfers), 'pending' or 'disabled'."""

    state: str
    provider_status: str


class SettlingProvider(Protocol):
    """A provider that moves a paid order's money on to hosts' accounts (Razorpay Route, Stripe Connect)."""

    name: str

    def account_state(self, account_id: str) -> AccountState: ...

    def transfer_find(self, order: Any, *, key: str) -> str: ...

    def transfer(self, order: Any, *, account_id: str, amount_minor: int, key: str) -> str: ...

    def transfer_reverse(self, transfer_id: str, *, amount_minor: int, key: str) -> str: ...


def json_object(body: bytes) -> dict[str, Any]:
    """A signed body read as a JSON object; anything else (a list, a number, not JSON) is ValueError."""
    payload = json.loads(body)
    if not isinstance(payload, dict):
        raise ValueError("the webhook body is not a JSON object")
    return payload


def as_object(value: Any) -> dict[str, Any]:
    """A nested part of a payload that should be an object: {} when missing or of another type."""
    return value if isinstance(value, dict) else {}


def currency_code(value: Any) -> str:
    return value.upper() if isinstance(value, str) else ""


def hmac_sha256_hex(secret: str, message: bytes | str) -> str:
    data = message.encode() if isinstance(message, str) else message
    return hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def check_hmac(secret: str, message: bytes | str, signature: str | None) -> None:
    """Constant-time compare; raise InvalidSignature when missing or wrong (or no secret is configured)."""
    if not secret or not signature or not hmac.compare_digest(hmac_sha256_hex(secret, message), signature):
        raise InvalidSignature()
