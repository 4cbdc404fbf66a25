"""Provider webhooks about charges: which charge a verified webhook is about (any checkout attempt's id finds
it), and applying a stored one once (called by `payment_event_process`)."""

from __future__ import annotations

from django.db.models import Q

from loopin.payments.charge_models import Charge, ChargeRefund, ChargeStatus
from loopin.payments.models import PaymentEvent, RefundStatus
from loopin.payments.providers.base import (
    PAYMENT_FAILED,
    PAYMENT_SUCCEEDED,
    REFUND_FAILED,
    REFUND_PROCESSED,
    Notification,
)
from loopin.payments.services.attempts import by_checkout_attempt, is_earlier_attempt
from loopin.payments.services.charges import (
    charge_confirm,
    charge_fail,
    charge_refund_apply_state,
    charge_refund_record_external,
)


def charge_for_notification(provider: str, note: Notification) -> Charge | None:
    """The charge a verified webhook is about (by provider order, refund key or id, or payment id)."""
    if note.provider_order_id:
        charge = Charge.objects.filter(provider=provider, provider_order_id=note.provider_order_id).first()
        if charge is None:  # an earlier checkout attempt whose id names the charge (PayU's txnid)
            charge = by_checkout_attempt(
                Charge.objects.all(), provider=provider, provider_order_id=note.provider_order_id
            )
        if charge is not None:
            return charge
    match = Q(idempotency_key=note.refund_key) if note.refund_key else None
    if note.refund_id:
        match = Q(provider_refund_id=note.refund_id) if match is None else match | Q(provider_refund_id=note.refund_id)
    if match is not None:
        refund = ChargeRefund.objects.filter(match).select_related("charge").first()
        if refund is not None:
            return refund.charge
    if note.payment_id:
        return Charge.objects.filter(provider=provider, provider_payment_id=note.payment_id).first()
    return None


def charge_event_apply(payment_event: PaymentEvent) -> str:
    """Apply one stored webhook about a charge (called once per event by `payment_event_process`)."""
    data = payment_event.parsed
    charge_id = payment_event.charge_id
    if charge_id is None:
        return "ignored: no charge"
    if payment_event.kind == PAYMENT_SUCCEEDED:
        charge = charge_confirm(
            charge_id=charge_id,
            payment_id=data.get("payment_id", ""),
            provider=payment_event.provider,
            amount_minor=data.get("amount"),
            currency=data.get("currency", ""),
        )
        if charge.status == ChargeStatus.PENDING and charge.review_reason:
            return f"held for review: {charge.review_reason}"
        return f"charge {charge.status}"
    if payment_event.kind == PAYMENT_FAILED:
        current = Charge.objects.filter(id=charge_id).values_list("provider_order_id", flat=True).first()
        if is_earlier_attempt(current=current or "", reported=data.get("provider_order_id") or ""):
            return "ignored: an earlier checkout attempt"  # the current checkout may still be paid
        return "charge failed" if charge_fail(charge_id=charge_id, reason=data["reason"]) else "ignored: not pending"
    if payment_event.kind in (REFUND_PROCESSED, REFUND_FAILED):
        match = Q(idempotency_key=data["refund_key"]) if data["refund_key"] else Q(pk__in=[])
        if data["refund_id"]:
            match |= Q(provider_refund_id=data["refund_id"])
        refund = ChargeRefund.objects.filter(match, charge_id=charge_id).first()
        if refund is None and payment_event.kind == REFUND_PROCESSED:
            return charge_refund_record_external(
                charge_id=charge_id, provider_refund_id=data["refund_id"], amount_minor=data.get("amount")
            )
        if refund is None:
            return "ignored: unknown refund"
        state = RefundStatus.PROCESSED if payment_event.kind == REFUND_PROCESSED else RefundStatus.FAILED
        return "refund " + charge_refund_apply_state(
            refund_id=refund.id, state=state, provider_refund_id=data["refund_id"]
        )
    return "ignored"
