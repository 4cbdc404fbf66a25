"""The registry of what a Charge can pay for, and the handlers that fulfil it.

A package that sells something registers its purpose once, in its AppConfig.ready():

    from loopin.payments.charge_purposes import ChargePurpose, register_charge_purpose

    register_charge_purpose(ChargePurpose(
        name="concessions",
        on_paid=concessions.services.order_paid_by_card,      # (charge) -> str | None, once per charge
        on_failed=concessions.services.order_payment_failed,  # optional: (charge) -> None, once
    ))

`on_paid` runs inside the transaction that marks the charge paid (the charge row locked), exactly once however
many confirmations arrive (webhook, client verify, reconciliation). If it raises a LoopinError (sold out, the
reservation expired, ...) nothing it wrote stays, the charge stays paid and is refunded in full automatically,
with the error recorded in `fulfilment`. Any other exception rolls the confirmation back: the stored webhook is
applied again by the reconcile sweep. `on_failed` runs once when a pending charge fails or is cancelled.

`on_refund(charge, refund)` runs in the transaction that records a refund (ours, or one made at the provider and
learnt from its webhook: `refund.reason == PROVIDER_INITIATED`), the charge row locked, once per refund: the
purpose takes back what the refund pays for. Raising a LoopinError refuses a refund we were asked to make (nothing
is recorded, nothing goes to the provider); a refund the provider already made cannot be refused.
`on_refund_failed(charge, refund)` runs once when the provider says a refund failed: give back what was taken.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from loopin.core.errors import BusinessRuleError
from loopin.payments.error_codes import PaymentErrorCode


@dataclass(frozen=True)
class ChargePurpose:
    name: str
    on_paid: Callable[[Any], str | None]
    on_failed: Callable[[Any], None] | None = None
    on_refund: Callable[[Any, Any], None] | None = None
    on_refund_failed: Callable[[Any, Any], None] | None = None


# The reason of a refund made at the provider (its dashboard, a dispute) that we learnt of from a webhook.
PROVIDER_INITIATED = "provider_initiated"


_PURPOSES: dict[str, ChargePurpose] = {}


def register_charge_purpose(purpose: ChargePurpose) -> None:
    """Register (or re-register, idempotently by name) what charges of `purpose.name` pay for."""
    _PURPOSES[purpose.name] = purpose


def charge_purpose(name: str) -> ChargePurpose:
    found = _PURPOSES.get(name)
    if found is None:
        raise BusinessRuleError(f"Nothing is sold as {name!r}.", code=PaymentErrorCode.CHARGE_PURPOSE_UNKNOWN)
    return found


def charge_purposes() -> list[str]:
    return sorted(_PURPOSES)
