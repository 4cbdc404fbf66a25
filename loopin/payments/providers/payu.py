"""PayU: a hash-signed form post to PayU, a reverse hash on what comes back, and its post-service API."""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl

from loopin.core.links import absolute_url
from loopin.core.settings import get_settings
from loopin.payments.errors import InvalidSignature, ProviderUnavailable
from loopin.payments.money import from_minor, to_minor
from loopin.payments.providers.base import (
    PAYMENT_FAILED,
    PAYMENT_SUCCEEDED,
    Checkout,
    Notification,
    PaymentState,
    RefundState,
    http_session,
)

UDF_COUNT = 5


PAYU_CURRENCY = "INR"  # PayU India settles rupees only


def _amount_minor(value: Any) -> int | None:
    """PayU's decimal amount string ("548.90") in paise; None when missing or unreadable."""
    try:
        return to_minor(Decimal(str(value)), PAYU_CURRENCY) if value not in (None, "") else None
    except (InvalidOperation, ValueError, OverflowError):
        return None


TXNID_MAX = 25  # PayU's limit
_OLD_TXNID = re.compile(r"^LP([0-9a-f]{23})$")
_ATTEMPT_TXNID = re.compile(r"^LP([0-9a-f]{19})R([0-9]{3})$")


def payu_txnid(order: Any) -> str:
    """One txnid per checkout attempt (PayU refuses a txnid it has seen): the first attempt's is the order's
    first 23 hex digits (as every order had before attempts), a later one's the first 19 and `R<attempt>`."""
    attempt = int(getattr(order, "checkout_attempt", 1) or 1)
    if attempt <= 1:
        return f"LP{order.id.hex[:23]}"
    return f"LP{order.id.hex[:19]}R{attempt % 1000:03d}"


class _Attempt:
    def __init__(self, order_id: uuid.UUID, attempt: int) -> None:
        self.id, self.checkout_attempt = order_id, attempt


def txnid_order_bounds(txnid: str) -> tuple[uuid.UUID, uuid.UUID] | None:
    """The range of order ids a txnid of ours can name (its hex prefix padded with 0s and fs); None for another's."""
    match = _OLD_TXNID.match(txnid) or _ATTEMPT_TXNID.match(txnid)
    if match is None:
        return None
    prefix = match.group(1)
    return uuid.UUID(prefix.ljust(32, "0")), uuid.UUID(prefix.ljust(32, "f"))


def txnid_is_for(txnid: str, order: Any) -> bool:
    """Whether a txnid is one of this order's checkout attempts (the current one or any earlier)."""
    bounds = txnid_order_bounds(txnid)
    return bounds is not None and bounds[0] <= order.id <= bounds[1]


def sha512(text: str) -> str:
    return hashlib.sha512(text.encode()).hexdigest()


def request_hash(fields: Mapping[str, str], salt: str) -> str:
    """key|txnid|amount|productinfo|firstname|email|udf1..udf5||||||SALT"""
    udfs = [fields.get(f"udf{i}", "") for i in range(1, UDF_COUNT + 1)]
    parts = [fields["key"], fields["txnid"], fields["amount"], fields["productinfo"], fields["firstname"]]
    return sha512("|".join([*parts, fields["email"], *udfs, "", "", "", "", "", salt]))


def reverse_hash(fields: Mapping[str, str], salt: str) -> str:
    """SALT|status||||||udf5..udf1|email|firstname|productinfo|amount|txnid|key"""
    udfs = [fields.get(f"udf{i}", "") for i in range(UDF_COUNT, 0, -1)]
    head = [salt, fields.get("status", ""), "", "", "", "", "", *udfs]
    tail = [fields.get(k, "") for k in ("email", "firstname", "productinfo", "amount", "txnid", "key")]
    return sha512("|".join([*head, *tail]))


class PayUProvider:
    name = "payu"
    new_txnid_per_checkout = True  # an open order asked for again gets a fresh attempt (PayU refuses a reused txnid)
    order_id_bounds = staticmethod(txnid_order_bounds)

    def __init__(self) -> None:
        s = get_settings()
        self.key, self.salt, self.base_url, self.info_url = (
            s.PAYU_MERCHANT_KEY,
            s.PAYU_MERCHANT_SALT,
            s.PAYU_BASE_URL.rstrip("/"),
            s.PAYU_INFO_URL,
        )
        # PayU sends the buyer's browser back to these pages, which settle the order before answering.
        self.success_url = absolute_url("/api/payments/payu/success")
        self.failure_url = absolute_url("/api/payments/payu/failure")

    def create_checkout(self, order: Any) -> Checkout:
        """The form the client posts to PayU. No udf fields: the mobile app posts exactly these ten fields,
        and the txnid names the order and the attempt (`payu_txnid`). `productinfo` and `firstname` hold no
        `"` or `<` (the app's form is not HTML-escaped)."""
        txnid = payu_txnid(order)
        fields = {
            "key": self.key,
            "txnid": txnid,
            "amount": f"{order.amount_due:.2f}",
            "productinfo": getattr(order, "product_info", "") or f"Loopin ticket {order.event_id}",
            "firstname": "".join(c for c in (order.user.name or "Guest").split(" ")[0] if c not in '"<>&')[:60]
            or "Guest",
            "email": f"{order.user_id.hex}@buyers.loopin.app",
            "phone": order.user.phone_number.lstrip("+")[-10:] if order.user.phone_number else "",
            "surl": self.success_url,
            "furl": self.failure_url,
        }
        fields["hash"] = request_hash(fields, self.salt)
        return Checkout(provider_order_id=txnid, data={"action": f"{self.base_url}/_payment", "fields": fields})

    def _check(self, fields: Mapping[str, str]) -> None:
        given = fields.get("hash", "")
        if not self.salt or not given or not hmac.compare_digest(reverse_hash(fields, self.salt), given.lower()):
            raise InvalidSignature()

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> Notification:
        fields = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        self._check(fields)
        status = fields.get("status", "")
        kind = PAYMENT_SUCCEEDED if status == "success" else PAYMENT_FAILED
        amount_minor = _amount_minor(fields.get("amount"))
        return Notification(
            event_id=f"{fields.get('mihpayid', '')}:{status}",
            kind=kind,
            provider_type=f"payment.{status}",
            provider_order_id=fields.get("txnid", ""),
            payment_id=fields.get("mihpayid", ""),
            amount_minor=amount_minor if kind == PAYMENT_SUCCEEDED else None,
            currency=PAYU_CURRENCY,
            reason=fields.get("error_Message", "") or fields.get("field9", ""),
            payload={k: v for k, v in fields.items() if k != "hash"},
        )

    def verify_client(self, order: Any, payload: Mapping[str, Any]) -> PaymentState:
        fields = {k: str(v) for k, v in payload.items()}
        self._check(fields)
        if not txnid_is_for(fields.get("txnid", ""), order):
            raise InvalidSignature("This confirmation is for another order.")
        if fields.get("status") == "success":
            # The reverse hash covers the amount.
            return PaymentState(
                state="paid",
                payment_id=fields.get("mihpayid", ""),
                amount_minor=_amount_minor(fields.get("amount")),
                currency=PAYU_CURRENCY,
            )
        if fields.get("txnid") != order.provider_order_id:  # an earlier attempt failed; the current may be paid
            return PaymentState(state="pending", reason="an earlier checkout attempt failed")
        return PaymentState(state="failed", reason=fields.get("error_Message", ""))

    def _post(self, command: str, *vars_: str) -> dict[str, Any]:
        data = {"key": self.key, "command": command, "hash": sha512(f"{self.key}|{command}|{vars_[0]}|{self.salt}")}
        data.update({f"var{i}": v for i, v in enumerate(vars_, start=1)})
        try:
            response = http_session().post(self.info_url, data=data, timeout=20)
            response.raise_for_status()
            return response.json()
        except Exception as exc:
            raise ProviderUnavailable(details={"provider": self.name, "error": type(exc).__name__}) from exc

    def fetch_status(self, order: Any) -> PaymentState:
        """Asks about every checkout attempt at once (PayU takes txnids joined by `|`): a payment on an earlier
        attempt is found too, and `payment_confirm` checks its amount."""
        attempts = max(1, int(getattr(order, "checkout_attempt", 1) or 1))
        txnids = [payu_txnid(_Attempt(order.id, n)) for n in range(attempts, 0, -1)]
        answer = self._post("verify_payment", "|".join(dict.fromkeys([order.provider_order_id, *txnids])))
        details = answer.get("transaction_details") or {}
        found = [details.get(t) or {} for t in dict.fromkeys([order.provider_order_id, *txnids])]
        for txn in found:
            if txn.get("status") == "success":
                return PaymentState(
                    state="paid",
                    payment_id=str(txn.get("mihpayid", "")),
                    amount_minor=_amount_minor(txn.get("amt")),
                    currency=PAYU_CURRENCY,
                )
        current = found[0]
        if current.get("status") == "failure":
            return PaymentState(state="failed", reason=str(current.get("error_Message", "")))
        return PaymentState(state="pending")

    def refund(self, order: Any, *, amount_minor: int, idempotency_key: str) -> RefundState:
        # PayU's token (var2) is the merchant's unique refund id: a retry with the same token is refused.
        amount = f"{from_minor(amount_minor, order.currency):.2f}"
        answer = self._post("cancel_refund_transaction", order.provider_payment_id, idempotency_key[:23], amount)
        if int(answer.get("status", 0)) != 1:
            return RefundState(provider_refund_id="", state="failed")
        return RefundState(provider_refund_id=str(answer.get("request_id", "")), state="pending")
