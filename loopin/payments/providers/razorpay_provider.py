"""Razorpay through its SDK (which takes our `requests` session)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from loopin.core.lazy import lazy_module
from loopin.core.settings import get_settings
from loopin.payments.errors import ProviderUnavailable
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
    check_hmac,
    currency_code,
    http_session,
    json_object,
)

if TYPE_CHECKING:
    import razorpay
else:
    razorpay = lazy_module("razorpay")  # loaded by the first Razorpay call (loopin.core.lazy)

KINDS = {
    "payment.captured": PAYMENT_SUCCEEDED,
    "order.paid": PAYMENT_SUCCEEDED,
    "payment.failed": PAYMENT_FAILED,
    "refund.processed": REFUND_PROCESSED,
    "refund.failed": REFUND_FAILED,
}


# Route linked accounts (GET /v2/accounts/{id}): only an activated one takes transfers.
ACCOUNT_STATES = {"activated": "active", "suspended": "disabled"}


class RazorpayProvider:
    name = "razorpay"
    new_txnid_per_checkout = False  # an open order asked for again reuses its checkout

    def order_id_bounds(self, provider_order_id: str) -> tuple[uuid.UUID, uuid.UUID] | None:
        """Its order references are its own, never a range of our order ids."""
        return None

    def __init__(self) -> None:
        s = get_settings()
        self.key_id, self.key_secret, self.webhook_secret = (
            s.RAZORPAY_KEY_ID,
            s.RAZORPAY_KEY_SECRET,
            s.RAZORPAY_WEBHOOK_SECRET,
        )

    def _client(self) -> razorpay.Client:
        return razorpay.Client(session=http_session(), auth=(self.key_id, self.key_secret))

    def _call(self, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except Exception as exc:  # the SDK raises its own errors and requests' alike
            raise ProviderUnavailable(details={"provider": self.name, "error": type(exc).__name__}) from exc

    def create_checkout(self, order: Any) -> Checkout:
        data = {
            "amount": to_minor(order.amount_due, order.currency),
            "currency": order.currency,
            "receipt": order.id.hex[:40],
            "notes": {"order_id": str(order.id)},
        }
        created = self._call(self._client().order.create, data)
        return Checkout(
            provider_order_id=created["id"],
            data={
                "razorpay_order_id": created["id"],
                "key_id": self.key_id,
                "amount": data["amount"],
                "currency": order.currency,
            },
        )

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> Notification:
        check_hmac(self.webhook_secret, body, headers.get("x-razorpay-signature"))
        payload = json_object(body)
        event_type = str(payload.get("event", ""))
        entities = as_object(payload.get("payload"))
        payment = as_object(as_object(entities.get("payment")).get("entity"))
        refund = as_object(as_object(entities.get("refund")).get("entity"))
        order_entity = as_object(as_object(entities.get("order")).get("entity"))
        event_id = headers.get("x-razorpay-event-id") or hashlib.sha256(body).hexdigest()
        return Notification(
            event_id=event_id,
            kind=KINDS.get(event_type, IGNORED),
            provider_type=event_type,
            provider_order_id=str(payment.get("order_id") or order_entity.get("id") or ""),
            payment_id=str(payment.get("id") or refund.get("payment_id") or ""),
            amount_minor=payment.get("amount"),
            currency=currency_code(payment.get("currency")),
            refund_id=str(refund.get("id", "")),
            refund_key=str((refund.get("notes") or {}).get("refund_key", "")),
            reason=str(payment.get("error_description") or ""),
            payload=payload,
        )

    def verify_client(self, order: Any, payload: Mapping[str, Any]) -> PaymentState:
        """Checkout's handler gives payment id and signature = HMAC(key secret, our order id | payment id)."""
        payment_id = str(payload.get("razorpay_payment_id", ""))
        check_hmac(self.key_secret, f"{order.provider_order_id}|{payment_id}", payload.get("razorpay_signature"))
        # The signature covers our Razorpay order, created for this amount and currency (order.checkout):
        # Razorpay captures nothing else against it.
        return PaymentState(
            state="paid",
            payment_id=payment_id,
            amount_minor=order.checkout.get("amount"),
            currency=currency_code(order.checkout.get("currency")),
        )

    def fetch_status(self, order: Any) -> PaymentState:
        payments = self._call(self._client().order.payments, order.provider_order_id).get("items", [])
        for p in payments:
            if p.get("status") == "captured":
                return PaymentState(
                    state="paid",
                    payment_id=p["id"],
                    amount_minor=p.get("amount"),
                    currency=currency_code(p.get("currency")),
                )
        if payments and all(p.get("status") == "failed" for p in payments):
            return PaymentState(state="failed", reason=str(payments[-1].get("error_description") or ""))
        return PaymentState(state="pending")

    def refund(self, order: Any, *, amount_minor: int, idempotency_key: str) -> RefundState:
        data = {"amount": amount_minor, "receipt": idempotency_key[:40], "notes": {"refund_key": idempotency_key}}
        created = self._call(self._client().payment.refund, order.provider_payment_id, data)
        state = {"processed": "processed", "failed": "failed"}.get(created.get("status", ""), "pending")
        return RefundState(provider_refund_id=created["id"], state=state)

    # ------------------------------------------------------------ Route (settlement)

    def account_state(self, account_id: str) -> AccountState:
        account = self._call(self._client().account.fetch, account_id)
        status = str(account.get("status", ""))
        return AccountState(state=ACCOUNT_STATES.get(status, "pending"), provider_status=status[:64])

    def transfer_find(self, order: Any, *, key: str) -> str:
        """A transfer of this payment made earlier under our key (a retry after a lost answer posts nothing)."""
        existing = self._call(self._client().payment.transfers, order.provider_payment_id).get("items", [])
        for item in existing:
            if as_object(item.get("notes")).get("settlement_key") == key:
                return str(item["id"])
        return ""

    def transfer(self, order: Any, *, account_id: str, amount_minor: int, key: str) -> str:
        data = {
            "transfers": [
                {
                    "account": account_id,
                    "amount": amount_minor,
                    "currency": order.currency,
                    "notes": {"settlement_key": key, "order_id": str(order.id)},
                    "on_hold": False,
                }
            ]
        }
        created = self._call(self._client().payment.transfer, order.provider_payment_id, data)
        items = created.get("items") or [created]
        return str(items[0]["id"])

    def transfer_reverse(self, transfer_id: str, *, amount_minor: int, key: str) -> str:
        data = {"amount": amount_minor, "notes": {"reversal_key": key}}
        return str(self._call(self._client().transfer.reverse, transfer_id, data)["id"])
