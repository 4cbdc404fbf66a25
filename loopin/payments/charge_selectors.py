"""Reads of charges: a charge as its buyer sees it, and the sandbox checkout page of a charge."""

from __future__ import annotations

import uuid
from typing import Any

from loopin.accounts.models import User
from loopin.core.errors import NotFound
from loopin.core.settings import get_settings
from loopin.payments.charge_models import Charge, ChargeStatus
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.providers.base import PAYMENT_FAILED, PAYMENT_SUCCEEDED
from loopin.payments.providers.sandbox import checkout_link_claims, sandbox_event


def charge_data(charge: Charge) -> dict[str, Any]:
    return {
        "id": charge.id,
        "purpose": charge.purpose,
        "reference": charge.reference,
        "description": charge.description,
        "status": charge.status,
        "provider": charge.provider,
        "currency": charge.currency,
        "amount": f"{charge.amount}",
        "amount_refunded": f"{charge.amount_refunded}",
        "checkout": charge.checkout if charge.status == ChargeStatus.PENDING else None,
        "failure_reason": charge.failure_reason or None,
        "created_at": charge.created_at,
        "paid_at": charge.paid_at,
    }


def charge_detail(*, user: User, charge_id: uuid.UUID) -> dict[str, Any]:
    """One of the caller's charges."""
    charge = Charge.objects.filter(id=charge_id, user=user).first()
    if charge is None:
        raise NotFound("Payment not found.", code=PaymentErrorCode.CHARGE_NOT_FOUND)
    return charge_data(charge)


def sandbox_charge_context(*, charge_id: uuid.UUID, token: str) -> dict[str, Any]:
    """The sandbox checkout page of a charge: only through the buyer's signed link, only with the sandbox on."""
    missing = NotFound("Payment not found.", code=PaymentErrorCode.CHARGE_NOT_FOUND)
    claims = checkout_link_claims(token) if get_settings().payment_sandbox_enabled else None
    if claims is None or claims[0] != str(charge_id):
        raise missing
    charge = Charge.objects.filter(id=charge_id, user_id=claims[1], provider="sandbox").first()
    if charge is None or not charge.provider_order_id:
        raise missing
    events = {}
    for button, kind in (("pay", PAYMENT_SUCCEEDED), ("fail", PAYMENT_FAILED)):
        body, headers = sandbox_event(charge, kind)
        events[button] = {"body": body.decode(), "signature": headers["X-Sandbox-Signature"]}
    return {
        "charge": charge,
        "events": events,
        "open": charge.status in (ChargeStatus.PENDING, ChargeStatus.FAILED, ChargeStatus.CANCELLED),
    }
