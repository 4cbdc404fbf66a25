"""The local provider: a checkout page on our own server whose buttons post signed webhooks to us.

The embedded default: `make run` can sell a ticket with no keys. Webhooks are JSON signed with
HMAC-SHA256 (`X-Sandbox-Signature`) under SANDBOX_WEBHOOK_SECRET (derived from SECRET_KEY if unset).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from collections.abc import Mapping
from typing import Any

from django.core import signing

from loopin.core.links import absolute_url
from loopin.core.settings import get_settings
from loopin.payments.money import to_minor
from loopin.payments.providers.base import (
    IGNORED,
    PAYMENT_FAILED,
    PAYMENT_SUCCEEDED,
    REFUND_FAILED,
    REFUND_PROCESSED,
    Checkout,
    Notification,
    PaymentState,
    RefundState,
    as_object,
    check_hmac,
    currency_code,
    hmac_sha256_hex,
    json_object,
)

SIGNATURE_HEADER = "x-sandbox-signature"
CHECKOUT_LINK_SALT = "loopin.payments.sandbox-checkout"
KINDS = {PAYMENT_SUCCEEDED, PAYMENT_FAILED, REFUND_PROCESSED, REFUND_FAILED}


def sandbox_secret() -> str:
    s = get_settings()
    return s.SANDBOX_WEBHOOK_SECRET or hashlib.sha256(f"loopin-sandbox:{s.SECRET_KEY}".encode()).hexdigest()


def sandbox_event(order: Any, kind: str, *, payment_id: str | None = None) -> tuple[bytes, dict[str, str]]:
    """A properly signed webhook for `order` (what the checkout page's buttons send)."""
    payment_id = payment_id or f"sbx_pay_{secrets.token_hex(8)}"
    body = json.dumps(
        {
            "id": f"evt_sbx_{secrets.token_hex(12)}",
            "type": kind,
            "data": {
                "order_id": order.provider_order_id,
                "payment_id": payment_id,
                "amount": to_minor(order.amount_due, order.currency),
                "currency": order.currency,
            },
        },
        separators=(",", ":"),
    ).encode()
    return body, {"Content-Type": "application/json", "X-Sandbox-Signature": hmac_sha256_hex(sandbox_secret(), body)}


def checkout_link_token(order: Any) -> str:
    """The signed part of an order's checkout link: order and buyer, timestamped (checkout_link_claims)."""
    return signing.dumps({"o": str(order.id), "u": str(order.user_id)}, salt=CHECKOUT_LINK_SALT, compress=True)


def checkout_link_max_age() -> int:
    """A link lives as long as the hold it pays for, plus five minutes (a late payment is still taken)."""
    return get_settings().PAYMENT_HOLD_MINUTES * 60 + 300


def checkout_link_claims(token: str) -> tuple[str, str] | None:
    """(order id, buyer id) of a valid, unexpired link token; None for anything else."""
    try:
        claims = signing.loads(token, salt=CHECKOUT_LINK_SALT, max_age=checkout_link_max_age())
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(claims, dict) or not isinstance(claims.get("o"), str) or not isinstance(claims.get("u"), str):
        return None
    return claims["o"], claims["u"]


def sandbox_client_signature(provider_order_id: str, payment_id: str) -> str:
    return hmac_sha256_hex(sandbox_secret(), f"{provider_order_id}|{payment_id}")


class SandboxProvider:
    name = "sandbox"
    new_txnid_per_checkout = False  # an open order asked for again reuses its checkout

    def order_id_bounds(self, provider_order_id: str) -> tuple[uuid.UUID, uuid.UUID] | None:
        """Its order references are its own, never a range of our order ids."""
        return None

    def create_checkout(self, order: Any) -> Checkout:
        page = getattr(order, "sandbox_page", "/api/payments/sandbox/")  # a Charge has its own page
        return Checkout(
            provider_order_id=f"sbx_order_{order.id.hex}",
            data={"checkout_url": absolute_url(f"{page}{order.id}?token={checkout_link_token(order)}")},
        )

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> Notification:
        check_hmac(sandbox_secret(), body, headers.get(SIGNATURE_HEADER))
        payload = json_object(body)
        data = as_object(payload.get("data"))
        kind = str(payload.get("type", ""))
        return Notification(
            event_id=str(payload["id"]),
            kind=kind if kind in KINDS else IGNORED,
            provider_type=kind,
            provider_order_id=str(data.get("order_id", "")),
            payment_id=str(data.get("payment_id", "")),
            amount_minor=data.get("amount"),
            currency=currency_code(data.get("currency")),
            refund_id=str(data.get("refund_id", "")),
            refund_key=str(data.get("refund_key", "")),
            reason="declined in the sandbox" if kind == PAYMENT_FAILED else "",
            payload=payload,
        )

    def verify_client(self, order: Any, payload: Mapping[str, Any]) -> PaymentState:
        payment_id = str(payload.get("payment_id", ""))
        check_hmac(sandbox_secret(), f"{order.provider_order_id}|{payment_id}", payload.get("signature"))
        # The signature covers our sandbox order, which exists for exactly this total and currency.
        return PaymentState(
            state="paid",
            payment_id=payment_id,
            amount_minor=to_minor(order.amount_due, order.currency),
            currency=order.currency,
        )

    def fetch_status(self, order: Any) -> PaymentState:
        return PaymentState(state="pending")  # nothing remote to ask: the page's webhooks are the truth

    def refund(self, order: Any, *, amount_minor: int, idempotency_key: str) -> RefundState:
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:16]
        return RefundState(provider_refund_id=f"sbx_rfnd_{digest}", state="processed")
