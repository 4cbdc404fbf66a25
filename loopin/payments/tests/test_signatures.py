"""Each provider's signature checks: valid, forged, tampered body, stale Stripe timestamp."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest

from loopin.payments.errors import InvalidSignature
from loopin.payments.providers.base import PAYMENT_FAILED, PAYMENT_SUCCEEDED, REFUND_PROCESSED
from loopin.payments.providers.payu import PayUProvider, request_hash, reverse_hash
from loopin.payments.providers.razorpay_provider import RazorpayProvider
from loopin.payments.providers.sandbox import SandboxProvider, sandbox_client_signature, sandbox_event
from loopin.payments.providers.stripe_provider import StripeProvider
from loopin.payments.tests.helpers import razorpay_signature, stripe_signature

ORDER = SimpleNamespace(
    id=uuid.uuid4(),
    provider_order_id="order_ABC123",
    total=Decimal("548.90"),
    amount_due=Decimal("548.90"),  # what the providers read: the total less any credits applied
    currency="INR",
    user_id=uuid.uuid4(),
    checkout={"razorpay_order_id": "order_ABC123", "amount": 54890, "currency": "INR"},
)

# ---------------------------------------------------------------- sandbox


def test_sandbox_accepts_its_own_signed_event():
    body, headers = sandbox_event(ORDER, PAYMENT_SUCCEEDED, payment_id="sbx_pay_1")
    note = SandboxProvider().parse_webhook(body, {k.lower(): v for k, v in headers.items()})
    assert (note.kind, note.provider_order_id, note.payment_id, note.amount_minor) == (
        PAYMENT_SUCCEEDED,
        "order_ABC123",
        "sbx_pay_1",
        54890,
    )


def test_sandbox_refuses_a_tampered_body():
    body, headers = sandbox_event(ORDER, PAYMENT_SUCCEEDED)
    tampered = body.replace(b"54890", b"1")
    with pytest.raises(InvalidSignature):
        SandboxProvider().parse_webhook(tampered, {"x-sandbox-signature": headers["X-Sandbox-Signature"]})


def test_sandbox_refuses_a_missing_signature():
    body, _ = sandbox_event(ORDER, PAYMENT_SUCCEEDED)
    with pytest.raises(InvalidSignature):
        SandboxProvider().parse_webhook(body, {})


def test_sandbox_client_confirmation_checks_the_order_id():
    good = sandbox_client_signature("order_ABC123", "sbx_pay_9")
    assert SandboxProvider().verify_client(ORDER, {"payment_id": "sbx_pay_9", "signature": good}).state == "paid"
    other = sandbox_client_signature("order_OTHER", "sbx_pay_9")
    with pytest.raises(InvalidSignature):
        SandboxProvider().verify_client(ORDER, {"payment_id": "sbx_pay_9", "signature": other})


# ---------------------------------------------------------------- razorpay

RZP_BODY = json.dumps(
    {
        "event": "payment.captured",
        "payload": {"payment": {"entity": {"id": "pay_1", "order_id": "order_ABC123", "amount": 54890}}},
    }
).encode()


def test_razorpay_webhook_with_a_valid_signature(razorpay_keys):
    headers = {"x-razorpay-signature": razorpay_signature(RZP_BODY, "rzp_webhook_secret"), "x-razorpay-event-id": "e1"}
    note = RazorpayProvider().parse_webhook(RZP_BODY, headers)
    assert (note.event_id, note.kind, note.provider_order_id, note.payment_id, note.amount_minor) == (
        "e1",
        PAYMENT_SUCCEEDED,
        "order_ABC123",
        "pay_1",
        54890,
    )


def test_razorpay_webhook_signed_with_another_secret_is_forged(razorpay_keys):
    headers = {"x-razorpay-signature": razorpay_signature(RZP_BODY, "not-the-secret")}
    with pytest.raises(InvalidSignature):
        RazorpayProvider().parse_webhook(RZP_BODY, headers)


def test_razorpay_webhook_with_a_tampered_body(razorpay_keys):
    headers = {"x-razorpay-signature": razorpay_signature(RZP_BODY, "rzp_webhook_secret")}
    with pytest.raises(InvalidSignature):
        RazorpayProvider().parse_webhook(RZP_BODY.replace(b"54890", b"100"), headers)


def test_razorpay_verify_is_the_hmac_of_our_order_id_and_the_payment_id(razorpay_keys):
    signature = razorpay_signature("order_ABC123|pay_77", "rzp_test_secret")
    state = RazorpayProvider().verify_client(
        ORDER, {"razorpay_payment_id": "pay_77", "razorpay_order_id": "order_ABC123", "razorpay_signature": signature}
    )
    # The amount and currency are those of the Razorpay order the signature covers.
    assert (state.state, state.payment_id, state.amount_minor, state.currency) == ("paid", "pay_77", 54890, "INR")


def test_razorpay_verify_ignores_a_client_supplied_order_id(razorpay_keys):
    """The signature must match the order id we stored, not one the client sends along."""
    signature = razorpay_signature("order_EVIL|pay_77", "rzp_test_secret")
    with pytest.raises(InvalidSignature):
        RazorpayProvider().verify_client(
            ORDER, {"razorpay_payment_id": "pay_77", "razorpay_order_id": "order_EVIL", "razorpay_signature": signature}
        )


# ---------------------------------------------------------------- stripe

STRIPE_BODY = json.dumps(
    {
        "id": "evt_1",
        "type": "payment_intent.succeeded",
        "data": {"object": {"id": "pi_1", "amount_received": 54890, "metadata": {}}},
    }
).encode()


def test_stripe_webhook_with_a_valid_signature(stripe_keys):
    note = StripeProvider().parse_webhook(
        STRIPE_BODY, {"stripe-signature": stripe_signature(STRIPE_BODY, "whsec_test_123")}
    )
    assert (note.event_id, note.kind, note.provider_order_id, note.amount_minor) == (
        "evt_1",
        PAYMENT_SUCCEEDED,
        "pi_1",
        54890,
    )


def test_stripe_webhook_signed_with_another_secret_is_forged(stripe_keys):
    with pytest.raises(InvalidSignature):
        StripeProvider().parse_webhook(STRIPE_BODY, {"stripe-signature": stripe_signature(STRIPE_BODY, "whsec_other")})


def test_stripe_webhook_with_a_tampered_body(stripe_keys):
    header = stripe_signature(STRIPE_BODY, "whsec_test_123")
    with pytest.raises(InvalidSignature):
        StripeProvider().parse_webhook(STRIPE_BODY.replace(b"54890", b"1"), {"stripe-signature": header})


def test_stripe_webhook_older_than_300_seconds_is_refused(stripe_keys):
    header = stripe_signature(STRIPE_BODY, "whsec_test_123", timestamp=int(time.time()) - 301)
    with pytest.raises(InvalidSignature):
        StripeProvider().parse_webhook(STRIPE_BODY, {"stripe-signature": header})


def test_stripe_webhook_inside_the_tolerance_is_accepted(stripe_keys):
    header = stripe_signature(STRIPE_BODY, "whsec_test_123", timestamp=int(time.time()) - 290)
    assert StripeProvider().parse_webhook(STRIPE_BODY, {"stripe-signature": header}).kind == PAYMENT_SUCCEEDED


def test_stripe_refund_event_carries_our_refund_key(stripe_keys):
    body = json.dumps(
        {
            "id": "evt_r",
            "type": "refund.updated",
            "data": {
                "object": {
                    "id": "re_1",
                    "status": "succeeded",
                    "payment_intent": "pi_1",
                    "metadata": {"refund_key": "k1"},
                }
            },
        }
    ).encode()
    note = StripeProvider().parse_webhook(body, {"stripe-signature": stripe_signature(body, "whsec_test_123")})
    assert (note.kind, note.refund_id, note.refund_key) == (REFUND_PROCESSED, "re_1", "k1")


# ---------------------------------------------------------------- payu


def _payu_fields(status: str = "success") -> dict[str, str]:
    fields = {
        "key": "payukey",
        "txnid": "LPabc",
        "amount": "548.90",
        "productinfo": "Loopin ticket",
        "firstname": "Asha",
        "email": "a@example.com",
        "udf1": "order-1",
        "status": status,
        "mihpayid": "403993715521",
    }
    fields["hash"] = reverse_hash(fields, "payusalt")
    return fields


def test_payu_request_hash_matches_the_documented_sequence():
    fields = {"key": "k", "txnid": "t", "amount": "1.00", "productinfo": "p", "firstname": "f", "email": "e"}

    expected = hashlib.sha512(b"k|t|1.00|p|f|e|||||||||||salt").hexdigest()
    assert request_hash(fields, "salt") == expected


def test_payu_reverse_hash_matches_the_documented_sequence():
    fields = {"key": "k", "txnid": "t", "amount": "1.00", "productinfo": "p", "firstname": "f", "email": "e"}

    expected = hashlib.sha512(b"salt|success|||||||||||e|f|p|1.00|t|k").hexdigest()
    assert reverse_hash({**fields, "status": "success"}, "salt") == expected


def test_payu_callback_with_a_valid_reverse_hash(payu_keys):
    note = PayUProvider().parse_webhook(urlencode(_payu_fields()).encode(), {})
    assert (note.kind, note.provider_order_id, note.payment_id, note.amount_minor) == (
        PAYMENT_SUCCEEDED,
        "LPabc",
        "403993715521",
        54890,
    )


def test_payu_failure_callback_is_read_as_failed(payu_keys):
    assert PayUProvider().parse_webhook(urlencode(_payu_fields("failure")).encode(), {}).kind == PAYMENT_FAILED


def test_payu_callback_with_a_tampered_amount(payu_keys):
    fields = {**_payu_fields(), "amount": "1.00"}
    with pytest.raises(InvalidSignature):
        PayUProvider().parse_webhook(urlencode(fields).encode(), {})


def test_payu_callback_with_a_forged_hash(payu_keys):
    fields = {**_payu_fields(), "hash": reverse_hash(_payu_fields(), "other-salt")}
    with pytest.raises(InvalidSignature):
        PayUProvider().parse_webhook(urlencode(fields).encode(), {})
