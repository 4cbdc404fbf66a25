"""Stripe through its SDK (StripeClient over a RequestsClient holding our session)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from loopin.core.lazy import lazy_module
from loopin.core.settings import get_settings
from loopin.payments.errors import InvalidSignature, ProviderUnavailable
from loopin.payments.money import to_minor
from loopin.payments.providers.base import (
    IGNORED,
    PAYMENT_FAILED,
    PAYMENT_SUCCEEDED,
    REFUND_FAILED,
    REFUND_PROCESSED,
    AccountState,
    Checkout,
    Notification,
    PaymentState,
    RefundState,
    as_object,
    currency_code,
    http_session,
    json_object,
)

if TYPE_CHECKING:
    import stripe
else:
    stripe = lazy_module("stripe")  # loaded by the first Stripe call (loopin.core.lazy)

TOLERANCE_SECONDS = 300
REFUND_TYPES = {"refund.created", "refund.updated", "charge.refund.updated"}


def _intent_key(order: Any) -> str:
    if getattr(order, "credits_applied", 0):
        return f"order-{order.id}-due-{to_minor(order.amount_due, order.currency)}"
    return f"order-{order.id}"


class StripeProvider:
    name = "stripe"
    new_txnid_per_checkout = False  # an open order asked for again reuses its checkout

    def order_id_bounds(self, provider_order_id: str) -> tuple[uuid.UUID, uuid.UUID] | None:
        """Its order references are its own, never a range of our order ids."""
        return None

    def __init__(self) -> None:
        s = get_settings()
        self.secret_key, self.publishable_key, self.webhook_secret = (
            s.STRIPE_SECRET_KEY,
            s.STRIPE_PUBLISHABLE_KEY,
            s.STRIPE_WEBHOOK_SECRET,
        )

    def _client(self) -> stripe.StripeClient:
        return stripe.StripeClient(
            self.secret_key, http_client=stripe.RequestsClient(session=http_session()), max_network_retries=0
        )

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs).to_dict()
        except Exception as exc:
            raise ProviderUnavailable(details={"provider": self.name, "error": type(exc).__name__}) from exc

    def create_checkout(self, order: Any) -> Checkout:
        intent = self._call(
            self._client().v1.payment_intents.create,
            params={
                "amount": to_minor(order.amount_due, order.currency),
                "currency": order.currency.lower(),
                "metadata": {"order_id": str(order.id)},
                "automatic_payment_methods": {"enabled": True},
            },
            # A new amount due (credits applied after the first checkout) is a new intent, not a replay.
            options={"idempotency_key": _intent_key(order)},
        )
        return Checkout(
            provider_order_id=intent["id"],
            data={
                "payment_intent_id": intent["id"],
                "client_secret": intent["client_secret"],
                "publishable_key": self.publishable_key,
            },
        )

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> Notification:
        if not self.webhook_secret:
            raise InvalidSignature()
        try:
            stripe.WebhookSignature.verify_header(
                body.decode(), headers.get("stripe-signature") or "", self.webhook_secret, TOLERANCE_SECONDS
            )
        except (stripe.SignatureVerificationError, UnicodeDecodeError) as exc:
            raise InvalidSignature() from exc
        payload = json_object(body)
        event_type = str(payload.get("type", ""))
        obj = as_object(as_object(payload.get("data")).get("object"))
        kind = IGNORED
        common: dict[str, Any] = {}
        if event_type == "payment_intent.succeeded":
            kind = PAYMENT_SUCCEEDED
            common = {
                "provider_order_id": obj.get("id", ""),
                "payment_id": obj.get("id", ""),
                "amount_minor": obj.get("amount_received"),
                "currency": currency_code(obj.get("currency")),
            }
        elif event_type == "payment_intent.payment_failed":
            kind = PAYMENT_FAILED
            error = obj.get("last_payment_error") or {}
            common = {"provider_order_id": obj.get("id", ""), "reason": str(error.get("message") or "")}
        elif event_type in REFUND_TYPES:
            status = obj.get("status")
            kind = (
                REFUND_PROCESSED
                if status == "succeeded"
                else REFUND_FAILED
                if status in ("failed", "canceled")
                else IGNORED
            )
            common = {
                "provider_order_id": obj.get("payment_intent") or "",
                "refund_id": obj.get("id", ""),
                "refund_key": (obj.get("metadata") or {}).get("refund_key", ""),
            }
        return Notification(event_id=payload["id"], kind=kind, provider_type=event_type, payload=payload, **common)

    def verify_client(self, order: Any, payload: Mapping[str, Any]) -> PaymentState:
        """Stripe's client confirmation is not signed: ask Stripe about the PaymentIntent instead."""
        return self.fetch_status(order)

    def fetch_status(self, order: Any) -> PaymentState:
        intent = self._call(self._client().v1.payment_intents.retrieve, order.provider_order_id)
        if intent["status"] == "succeeded":
            return PaymentState(
                state="paid",
                payment_id=intent["id"],
                amount_minor=intent.get("amount_received"),
                currency=currency_code(intent.get("currency")),
            )
        if intent["status"] == "canceled":
            return PaymentState(state="failed", reason="canceled")
        return PaymentState(state="pending")

    def refund(self, order: Any, *, amount_minor: int, idempotency_key: str) -> RefundState:
        created = self._call(
            self._client().v1.refunds.create,
            params={
                "payment_intent": order.provider_order_id,
                "amount": amount_minor,
                "metadata": {"refund_key": idempotency_key, "order_id": str(order.id)},
            },
            options={"idempotency_key": idempotency_key},
        )
        state = {"succeeded": "processed", "failed": "failed", "canceled": "failed"}.get(created["status"], "pending")
        return RefundState(provider_refund_id=created["id"], state=state)

    # ------------------------------------------------------------ Connect (settlement)
    # Separate charges and transfers: the platform charges (as today), then transfers each recipient's share
    # with `source_transaction` = the charge, so one payment can pay several connected accounts (co-hosts).

    def account_state(self, account_id: str) -> AccountState:
        account = self._call(self._client().v1.accounts.retrieve, account_id)
        transfers = str(as_object(account.get("capabilities")).get("transfers") or "")
        state = "active" if transfers == "active" else "pending"
        return AccountState(state=state, provider_status=f"transfers:{transfers or 'none'}"[:64])

    def transfer_find(self, order: Any, *, key: str) -> str:
        return ""  # Stripe's idempotency key (the same on every attempt) returns the first transfer

    def transfer(self, order: Any, *, account_id: str, amount_minor: int, key: str) -> str:
        intent = self._call(self._client().v1.payment_intents.retrieve, order.provider_order_id)
        charge = intent.get("latest_charge")
        charge_id = charge.get("id") if isinstance(charge, dict) else charge
        created = self._call(
            self._client().v1.transfers.create,
            params={
                "amount": amount_minor,
                "currency": order.currency.lower(),
                "destination": account_id,
                "source_transaction": str(charge_id or ""),
                "transfer_group": f"order-{order.id}",
                "metadata": {"settlement_key": key, "order_id": str(order.id)},
            },
            options={"idempotency_key": key},
        )
        return str(created["id"])

    def transfer_reverse(self, transfer_id: str, *, amount_minor: int, key: str) -> str:
        created = self._call(
            self._client().v1.transfers.reversals.create,
            transfer_id,
            params={"amount": amount_minor, "metadata": {"reversal_key": key}},
            options={"idempotency_key": key},
        )
        return str(created["id"])
