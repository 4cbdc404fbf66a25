"""Paying for parking through the payment interface (`loopin.payments` charges for a purpose + reference, and
LoopPay credits): a held reservation, and an overstay charge recorded at the gate.

Card: a Charge of purpose `parking` (reference: the reservation) or `parking_overstay` (reference: the charge);
its handler runs exactly once when the provider confirms, inside the confirmation's transaction, and refusing
(the hold lapsed and the lot filled up) makes the payments layer refund it in full. Credits: one ledger spend
per thing paid (idempotency key `parking:<id>` / `parking-overstay:<id>`) inside the same transaction as the
confirmation, so both commit or neither does. `payment_reference` records which it was (`charge:<id>` or
`credits:<entry id>`), which is how a cancellation knows where to refund.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import Conflict, NotFound
from loopin.looppay.spending import refund_spend, spend
from loopin.parking.error_codes import ParkingErrorCode
from loopin.parking.models import ChargeStatus, OverstayCharge, ParkingReservation, ReservationStatus
from loopin.parking.selectors import charge_data, reservation_data
from loopin.parking.services.reservations import (
    my_reservation_locked,
    parking_reservation_cancel,
    reservation_confirm,
    space_release,
)
from loopin.payments.charge_models import Charge
from loopin.payments.charge_purposes import ChargePurpose
from loopin.payments.charge_selectors import charge_data as payment_data
from loopin.payments.services.charges import charge_create, charge_refund

PARKING = "parking"
OVERSTAY = "parking_overstay"
Method = Literal["card", "credits"]


def _reservation_key(reservation_id: uuid.UUID) -> str:
    return f"parking:{reservation_id}"


def parking_reservation_pay(
    *, user: User, reservation_id: uuid.UUID, method: Method, provider: str | None = None
) -> dict[str, Any]:
    """Pay a held reservation: by card (a checkout to complete; confirmed when the provider says so) or with
    credits (confirmed at once). Answers the reservation and, for a card, the payment to complete."""
    with transaction.atomic():
        reservation = my_reservation_locked(user, reservation_id)
        if reservation.status != ReservationStatus.PENDING or (
            reservation.hold_expires_at is not None and reservation.hold_expires_at <= timezone.now()
        ):
            raise Conflict(code=ParkingErrorCode.RESERVATION_NOT_PENDING)
        if method == "credits":
            entry = spend(
                user=user,
                amount=reservation.price,
                key=_reservation_key(reservation.id),
                purpose=PARKING,
                reference=reservation.id,
                memo=f"Parking at {reservation.lot.name}",
            )
            confirmed = reservation_confirm(reservation_id=reservation.id, payment_reference=f"credits:{entry.id}")
            assert confirmed is not None  # a pending, live hold under our lock is always confirmable
            return {"reservation": reservation_data(confirmed, with_pass=True), "payment": None}
        lot_name = reservation.lot.name
    charge = charge_create(
        user=user,
        purpose=PARKING,
        reference=reservation.id,
        amount=reservation.price,
        description=f"Parking at {lot_name}",
        currency=reservation.currency,
        provider=provider,
    )
    return {"reservation": reservation_data(reservation), "payment": payment_data(charge)}


def reservation_paid_by_card(charge: Charge) -> str:
    """The provider confirmed a reservation's card payment (once): confirm it, or refuse so it is refunded."""
    reference = f"charge:{charge.id}"
    confirmed = reservation_confirm(reservation_id=uuid.UUID(charge.reference), payment_reference=reference)
    if confirmed is None:
        raise Conflict("The reservation can no longer be honoured.", code=ParkingErrorCode.RESERVATION_NOT_PENDING)
    if confirmed.payment_reference != reference:  # already paid another way (credits): this payment is refunded
        raise Conflict("The reservation was already paid.", code=ParkingErrorCode.RESERVATION_NOT_PENDING)
    return f"parking reservation {confirmed.id} confirmed"


def parking_cancel(*, user: User, reservation_id: uuid.UUID) -> dict[str, Any]:
    """Cancel a reservation: an unpaid hold at once; a confirmed one before its window starts, with its money
    back (to the card, or as credits) when it was paid."""
    now = timezone.now()
    with transaction.atomic():
        reservation = my_reservation_locked(user, reservation_id)
        if reservation.status != ReservationStatus.CONFIRMED or reservation.price == 0:
            return reservation_data(parking_reservation_cancel(user=user, reservation_id=reservation_id))
        if reservation.entered_at is not None or now >= reservation.reserved_from:
            raise Conflict(code=ParkingErrorCode.RESERVATION_NOT_CANCELLABLE)
        reservation.status = ReservationStatus.CANCELLED
        reservation.cancelled_at = now
        reservation.save(update_fields=["status", "cancelled_at", "updated_at"])
        space_release(lot_id=reservation.lot_id, event_id=reservation.event_id)
        _refund(reservation)
        audit_record(action="parking.cancelled", actor=user, obj=reservation, data={"refunded": str(reservation.price)})
    return reservation_data(reservation)


def _refund(reservation: ParkingReservation) -> None:
    kind, _, ref = reservation.payment_reference.partition(":")
    if kind == "credits":
        refund_spend(key=_reservation_key(reservation.id), refund_key=f"parking-cancel:{reservation.id}")
    elif kind == "charge":
        charge_refund(
            charge_id=uuid.UUID(ref),
            reason="parking_cancelled",
            idempotency_key=f"parking-cancel:{reservation.id}",
        )


def _my_charge(user: User, charge_id: uuid.UUID) -> OverstayCharge:
    charge = OverstayCharge.objects.select_for_update().filter(id=charge_id, user=user).first()
    if charge is None:
        raise NotFound(code=ParkingErrorCode.OVERSTAY_NOT_FOUND)
    return charge


def _overstay_settle(charge: OverstayCharge, reference: str) -> None:
    charge.status = ChargeStatus.PAID
    charge.paid_at = timezone.now()
    charge.payment_reference = reference
    charge.save(update_fields=["status", "paid_at", "payment_reference"])
    audit_record(action="parking.overstay_paid", obj=charge, subject=charge.user, data={"via": reference})


def parking_overstay_pay(
    *, user: User, charge_id: uuid.UUID, method: Method, provider: str | None = None
) -> dict[str, Any]:
    """Pay what an overstay left due: by card (a checkout) or with credits (settled at once)."""
    with transaction.atomic():
        charge = _my_charge(user, charge_id)
        if charge.status != ChargeStatus.DUE:
            raise Conflict(code=ParkingErrorCode.OVERSTAY_NOT_DUE)
        if method == "credits":
            entry = spend(
                user=user,
                amount=charge.amount,
                key=f"parking-overstay:{charge.id}",
                purpose=OVERSTAY,
                reference=charge.id,
                memo="Parking overstay",
            )
            _overstay_settle(charge, f"credits:{entry.id}")
            return {"charge": charge_data(charge), "payment": None}
    payment = charge_create(
        user=user,
        purpose=OVERSTAY,
        reference=charge.id,
        amount=charge.amount,
        description="Parking overstay",
        currency=charge.currency,
        provider=provider,
    )
    return {"charge": charge_data(charge), "payment": payment_data(payment)}


def overstay_paid_by_card(payment: Charge) -> str:
    """The provider confirmed an overstay's card payment (once). Paid twice (credits meanwhile): refunded."""
    charge = OverstayCharge.objects.select_for_update().get(id=uuid.UUID(payment.reference))
    if charge.status != ChargeStatus.DUE:
        raise Conflict("This overstay was already settled.", code=ParkingErrorCode.OVERSTAY_NOT_DUE)
    _overstay_settle(charge, f"charge:{payment.id}")
    return f"overstay {charge.id} paid"


PURPOSES = [
    ChargePurpose(name=PARKING, on_paid=reservation_paid_by_card),
    ChargePurpose(name=OVERSTAY, on_paid=overstay_paid_by_card),
]
