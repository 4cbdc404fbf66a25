"""Charges: card payments for purposes other than ticket orders, fulfilled exactly once by the purpose's handler.

    charge = charge_create(user=buyer, purpose="concessions", reference=str(order.id), amount=order.total,
                           description="Loopin concessions")        # after your order is committed
    charge.checkout                                                  # what the client pays with (as an order's)
    charge_refund(charge_id=charge.id, amount=None, reason="cancelled", idempotency_key=f"cancel:{order.id}")

The provider's webhook (or the client's verify, or the reconcile sweep) confirms the charge: the first
confirmation whose provider, amount and currency match marks it paid and calls the purpose's `on_paid` once
(see `loopin.payments.charge_purposes`). Refunds go to the provider with their idempotency key, after commit.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, LoopinError, NotFound
from loopin.core.settings import get_settings
from loopin.payments.charge_models import CHARGE_SETTLED, Charge, ChargeRefund, ChargeStatus
from loopin.payments.charge_purposes import PROVIDER_INITIATED, charge_purpose
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.errors import ProviderUnavailable
from loopin.payments.models import RefundStatus
from loopin.payments.money import from_minor, quantize, to_minor
from loopin.payments.providers import get_provider
from loopin.payments.services.attempts import new_checkout_per_attempt
from loopin.payments.services.provider_sweep import provider_status_sweep, stale_unpaid
from loopin.payments.services.refund_core import RefundKind, refund_open, refunded_status
from loopin.payments.signals import charge_refund_due


def charge_create(
    *,
    user: User,
    purpose: str,
    reference: Any,
    amount: Decimal,
    description: str,
    currency: str = "INR",
    provider: str | None = None,
) -> Charge:
    """Open a card payment for `purpose`/`reference` and ask the provider for a checkout (outside a transaction:
    no lock is held over the network). A repeat call while one is pending returns that one, with a new checkout
    attempt when the provider refuses a checkout id it has seen (PayU)."""
    charge_purpose(purpose)
    value = quantize(Decimal(amount), currency)
    if value <= 0:
        raise BusinessRuleError("A charge is for a positive amount.", code=PaymentErrorCode.CHARGE_AMOUNT_INVALID)
    provider_name = provider or get_settings().PAYMENT_PROVIDER
    prov = get_provider(provider_name)
    reference = str(reference)[:64]
    try:
        with transaction.atomic():
            charge = Charge.objects.create(
                user=user,
                purpose=purpose,
                reference=reference,
                description="".join(c for c in description if c not in '"<>&')[:120] or purpose,
                provider=provider_name,
                currency=currency.upper(),
                amount=value,
            )
            audit_record(
                action="charge.created",
                actor=user,
                obj=charge,
                data={"purpose": purpose, "reference": reference, "amount": str(value)},
            )
    except IntegrityError:
        charge = Charge.objects.get(purpose=purpose, reference=reference, status=ChargeStatus.PENDING)
        prov = get_provider(charge.provider)
        if charge.provider_order_id and new_checkout_per_attempt(charge.provider):
            # Asked again for an open charge (the buyer left the provider's page): PayU refuses a txnid it has seen.
            return charge_checkout_new_attempt(charge_id=charge.id)
    if not charge.provider_order_id:
        try:
            checkout = prov.create_checkout(charge)
        except ProviderUnavailable:
            charge_fail(charge_id=charge.id, reason="provider unavailable")
            raise
        Charge.objects.filter(id=charge.id, provider_order_id="").update(
            provider_order_id=checkout.provider_order_id, checkout=checkout.data
        )
        charge.refresh_from_db()
    return charge


def charge_checkout_new_attempt(*, charge_id: uuid.UUID) -> Charge:
    """A new checkout attempt for a pending charge (`checkout_attempt` + 1, so PayU gets a txnid of its own).

    Outside any transaction. A payment on any earlier attempt still finds the charge (PayU's txnid names it) and
    is confirmed exactly once by `charge_confirm`; a failure reported for an earlier attempt is ignored."""
    bumped = Charge.objects.filter(id=charge_id, status=ChargeStatus.PENDING).update(
        checkout_attempt=F("checkout_attempt") + 1, updated_at=timezone.now()
    )
    charge = Charge.objects.select_related("user").get(id=charge_id)
    if not bumped:
        return charge
    try:
        checkout = get_provider(charge.provider).create_checkout(charge)
    except ProviderUnavailable:
        charge_fail(charge_id=charge.id, reason="provider unavailable")
        raise
    Charge.objects.filter(id=charge.id, status=ChargeStatus.PENDING).update(
        provider_order_id=checkout.provider_order_id, checkout=checkout.data, updated_at=timezone.now()
    )
    charge.refresh_from_db()
    return charge


def _mismatch(charge: Charge, *, provider: str, amount_minor: Any, currency: str) -> str | None:
    expected = to_minor(charge.amount, charge.currency)
    if provider != charge.provider:
        return f"provider mismatch: paid through {provider}, the charge is with {charge.provider}"
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool) or amount_minor != expected:
        return f"amount mismatch: paid {str(amount_minor)[:32]} minor units, expected {expected}"
    if not currency or currency.upper() != charge.currency.upper():
        return f"currency mismatch: paid in {currency[:8] or 'nothing'}, expected {charge.currency}"
    return None


def charge_confirm(
    *,
    charge_id: uuid.UUID,
    payment_id: str,
    provider: str,
    amount_minor: int | None,
    currency: str,
    via: str = "webhook",
) -> Charge:
    """The provider says the charge is paid: the first matching confirmation fulfils it (the handler, once)."""
    with transaction.atomic():
        charge = Charge.objects.select_for_update().select_related("user").get(id=charge_id)
        if charge.status in CHARGE_SETTLED:
            return charge
        mismatch = _mismatch(charge, provider=provider, amount_minor=amount_minor, currency=currency)
        if mismatch is not None:
            charge.review_reason = f"{mismatch} ({via})"[:255]
            charge.save(update_fields=["review_reason", "updated_at"])
            audit_record(action="charge.mismatch", obj=charge, data={"reason": mismatch, "via": via})
            return charge
        charge.status = ChargeStatus.PAID
        charge.provider_payment_id = payment_id or charge.provider_payment_id
        charge.paid_at = timezone.now()
        try:
            with transaction.atomic():
                said = charge_purpose(charge.purpose).on_paid(charge)
            charge.fulfilment = (said or "fulfilled")[:255]
            fulfilled = True
        except LoopinError as exc:
            charge.fulfilment = f"not fulfilled: {exc.code}: {exc.message}"[:255]
            fulfilled = False
        charge.save(update_fields=["status", "provider_payment_id", "paid_at", "fulfilment", "updated_at"])
        audit_record(
            action="charge.paid", actor=charge.user, obj=charge, data={"via": via, "fulfilment": charge.fulfilment}
        )
        if not fulfilled:
            _refund_open(charge, amount=charge.amount, reason="not_fulfilled", key=f"charge-auto:{charge.id}")
    return charge


def charge_fail(*, charge_id: uuid.UUID, reason: str = "", status: str = ChargeStatus.FAILED) -> bool:
    """A pending charge failed (or was given up): once, with the purpose's `on_failed`."""
    with transaction.atomic():
        changed = Charge.objects.filter(id=charge_id, status=ChargeStatus.PENDING).update(
            status=status, failure_reason=(reason or "payment failed")[:255], updated_at=timezone.now()
        )
        if not changed:
            return False
        charge = Charge.objects.get(id=charge_id)
        handler = charge_purpose(charge.purpose).on_failed
        if handler is not None:
            handler(charge)
        audit_record(action=f"charge.{status}", obj=charge, data={"reason": reason})
    return True


def charge_cancel(*, user: User, charge_id: uuid.UUID) -> Charge:
    """The buyer gives up a pending charge."""
    charge = Charge.objects.filter(id=charge_id, user=user).first()
    if charge is None:
        raise NotFound("Payment not found.", code=PaymentErrorCode.CHARGE_NOT_FOUND)
    charge_fail(charge_id=charge.id, reason="given up by the buyer", status=ChargeStatus.CANCELLED)
    charge.refresh_from_db()
    return charge


def charge_verify(*, user: User, charge_id: uuid.UUID, payload: dict[str, Any]) -> Charge:
    """Client-side confirmation after checkout, checked with the provider (as for orders)."""
    charge = Charge.objects.filter(id=charge_id, user=user).first()
    if charge is None:
        raise NotFound("Payment not found.", code=PaymentErrorCode.CHARGE_NOT_FOUND)
    if charge.status in CHARGE_SETTLED:
        return charge
    state = get_provider(charge.provider).verify_client(charge, payload)
    if state.state == "paid":
        return charge_confirm(
            charge_id=charge.id,
            payment_id=state.payment_id,
            provider=charge.provider,
            amount_minor=state.amount_minor,
            currency=state.currency,
            via="verify",
        )
    if state.state == "failed":
        charge_fail(charge_id=charge.id, reason=state.reason)
    charge.refresh_from_db()
    return charge


# ---------------------------------------------------------------- refunds


def _charge_refund_taken_back(charge: Charge, refund: ChargeRefund) -> None:
    handler = charge_purpose(charge.purpose).on_refund
    if handler is not None:
        handler(charge, refund)  # takes back what the refund pays for; may refuse (raises: all rolls back)


CHARGE_REFUNDS = RefundKind(
    model=ChargeRefund,
    parent="charge",
    paid_total=lambda charge: charge.amount,
    action="charge_refund.created",
    submit=lambda refund_id: charge_refund_due.send(sender=ChargeRefund, refund_id=refund_id),
    after=_charge_refund_taken_back,
)


def _refund_open(charge: Charge, *, amount: Decimal, reason: str, key: str, actor: User | None = None) -> ChargeRefund:
    """Record a refund on a locked, paid charge; sent to the provider after commit (once per key)."""
    refund: ChargeRefund = refund_open(CHARGE_REFUNDS, charge, amount=amount, reason=reason, key=key, actor=actor)
    return refund


def charge_refund(
    *,
    charge_id: uuid.UUID,
    amount: Decimal | None = None,
    reason: str,
    actor: User | None = None,
    idempotency_key: str | None = None,
) -> ChargeRefund:
    """Refund a paid charge fully (amount None) or partly to the card; a repeated key returns the first refund."""
    key = idempotency_key or f"{reason}:{charge_id}:{uuid.uuid4().hex}"
    try:
        with transaction.atomic():
            existing = ChargeRefund.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return existing
            charge = Charge.objects.select_for_update().select_related("user").get(id=charge_id)
            if charge.status not in CHARGE_SETTLED:
                raise BusinessRuleError("Only a paid charge can be refunded.", code=PaymentErrorCode.CHARGE_NOT_PAID)
            wanted = charge.amount - charge.amount_refunded if amount is None else amount
            return _refund_open(charge, amount=wanted, reason=reason, key=key, actor=actor)
    except IntegrityError:
        return ChargeRefund.objects.get(idempotency_key=key)


def charge_refund_submit(*, refund_id: uuid.UUID | str) -> str:
    """Send a pending charge refund to the provider with its idempotency key (a retry never pays twice)."""
    refund = ChargeRefund.objects.select_related("charge").get(id=refund_id)
    if refund.status != RefundStatus.PENDING or refund.provider_refund_id:
        return refund.status
    charge = refund.charge
    result = get_provider(charge.provider).refund(
        charge, amount_minor=to_minor(refund.amount, charge.currency), idempotency_key=refund.idempotency_key
    )
    ChargeRefund.objects.filter(id=refund.id, provider_refund_id="").update(
        provider_refund_id=result.provider_refund_id
    )
    if result.state != "pending":
        return charge_refund_apply_state(refund_id=refund.id, state=result.state)
    return "pending"


def charge_refund_apply_state(*, refund_id: uuid.UUID, state: str, provider_refund_id: str = "") -> str:
    """pending -> processed | failed, once. A failed refund gives its amount back to the refundable total."""
    with transaction.atomic():
        refund = ChargeRefund.objects.select_for_update().get(id=refund_id)
        if refund.status != RefundStatus.PENDING:
            return refund.status
        refund.status = state
        if provider_refund_id and not refund.provider_refund_id:
            refund.provider_refund_id = provider_refund_id
        refund.processed_at = timezone.now()
        refund.save(update_fields=["status", "provider_refund_id", "processed_at"])
        if state == RefundStatus.FAILED:
            charge = Charge.objects.select_for_update().get(id=refund.charge_id)
            charge.amount_refunded -= refund.amount
            charge.status = refunded_status(charge.amount_refunded, charge.amount)
            charge.save(update_fields=["amount_refunded", "status", "updated_at"])
            handler = charge_purpose(charge.purpose).on_refund_failed
            if handler is not None:
                handler(charge, refund)
        audit_record(action=f"charge_refund.{state}", obj=refund, data={"charge_id": str(refund.charge_id)})
    return state


def charge_refund_record_external(*, charge_id: uuid.UUID, provider_refund_id: str, amount_minor: Any) -> str:
    """A refund made at the provider (not by us), learnt from its webhook: recorded once (by the provider's refund
    id), processed, and the purpose's `on_refund` told, so it takes back what the refund paid for."""
    if not provider_refund_id or not isinstance(amount_minor, int) or isinstance(amount_minor, bool):
        return "ignored: unknown refund"
    key = f"provider-refund:{provider_refund_id}"[:128]
    with transaction.atomic():
        charge = Charge.objects.select_for_update().select_related("user").get(id=charge_id)
        if ChargeRefund.objects.filter(idempotency_key=key).exists():
            return "refund processed"
        if charge.status not in CHARGE_SETTLED:
            return "ignored: charge not paid"
        amount = min(from_minor(amount_minor, charge.currency), charge.amount - charge.amount_refunded)
        if amount <= 0:
            return "ignored: nothing left to refund"
        refund = _refund_open(charge, amount=amount, reason=PROVIDER_INITIATED, key=key)
        # Already done at the provider: never sent (the submit task finds it processed).
        ChargeRefund.objects.filter(id=refund.id).update(
            status=RefundStatus.PROCESSED, provider_refund_id=provider_refund_id[:128], processed_at=timezone.now()
        )
    return "refund processed (made at the provider)"


def charge_refunds_resubmit(*, older_than_minutes: int = 10) -> int:
    """Charge refunds never handed to the provider (a lost task) are sent again, with their idempotency key."""
    stale = list(
        ChargeRefund.objects.filter(
            status=RefundStatus.PENDING,
            provider_refund_id="",
            created_at__lte=timezone.now() - timedelta(minutes=older_than_minutes),
        ).values_list("id", flat=True)[:200]
    )
    for refund_id in stale:
        charge_refund_due.send(sender=ChargeRefund, refund_id=refund_id)
    return len(stale)


def charges_reconcile(*, older_than_minutes: int | None = None, limit: int = 200) -> dict[str, int]:
    """Ask the provider about charges left unpaid, so a lost webhook loses nothing."""
    unpaid = [ChargeStatus.PENDING, ChargeStatus.FAILED, ChargeStatus.CANCELLED]
    return provider_status_sweep(
        stale_unpaid(Charge.objects.all(), statuses=unpaid, older_than_minutes=older_than_minutes, limit=limit),
        confirm=lambda charge_id, **paid: charge_confirm(charge_id=charge_id, **paid),
        fail=lambda charge_id, reason: charge_fail(charge_id=charge_id, reason=reason),
    )
