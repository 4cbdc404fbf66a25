"""The gate: parking staff scan a pass on entry and on exit.

A scan's decision and its write are one step under the reservation's row lock, so two gates at once let a
car in exactly once. Every scan is stored with the answer given; the same nonce replays it. Leaving after
the reserved window (past the lot's grace) records an overstay charge at the lot's hourly rate, which the
guest then pays (`loopin.parking.services.charges`).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import Conflict, NotFound
from loopin.parking.access import ensure_can_operate_gate
from loopin.parking.error_codes import ParkingErrorCode
from loopin.parking.models import (
    GateDirection,
    GateResult,
    GateScan,
    OverstayCharge,
    ParkingLot,
    ParkingReservation,
    ReservationStatus,
)
from loopin.parking.passes import pass_verify
from loopin.parking.pricing import overstay_amount

MESSAGES = {
    GateResult.OK: "Drive in.",
    GateResult.INVALID: "This is not a valid parking pass.",
    GateResult.WRONG_LOT: "This pass is for another lot.",
    GateResult.NOT_CONFIRMED: "This reservation is not paid or was cancelled.",
    GateResult.NOT_YET_OPEN: "The reserved window has not started yet.",
    GateResult.ALREADY_INSIDE: "This car is already inside.",
    GateResult.NOT_INSIDE: "This car did not come in.",
    GateResult.WINDOW_OVER: "The reserved window is over.",
}
EXIT_MESSAGE = "Drive safely."


@dataclass(frozen=True)
class GateScanIn:
    nonce: str
    qr: str
    direction: str = GateDirection.ENTRY


def _fingerprint(scan: GateScanIn) -> str:
    return hashlib.sha256(f"{scan.qr.strip()}:{scan.direction}".encode()).hexdigest()


def gate_lot(user: User, lot_id: uuid.UUID) -> ParkingLot:
    lot = ParkingLot.objects.select_related("venue").filter(id=lot_id).first()
    if lot is None:
        raise NotFound(code=ParkingErrorCode.LOT_NOT_FOUND)
    ensure_can_operate_gate(user, lot.venue)
    return lot


def _replay(lot: ParkingLot, scan: GateScanIn) -> dict[str, Any] | None:
    stored = GateScan.objects.filter(lot=lot, nonce=scan.nonce).only("fingerprint", "response").first()
    if stored is None:
        return None
    if stored.fingerprint != _fingerprint(scan):
        raise Conflict(code=ParkingErrorCode.GATE_NONCE_REUSED, details={"nonce": scan.nonce})
    response: dict[str, Any] = stored.response
    return response


def parking_gate_scan(*, actor: User, lot_id: uuid.UUID, scan: GateScanIn) -> dict[str, Any]:
    """One scan at a lot's gate (parking staff): decide, apply and record it; the same nonce replays it."""
    lot = gate_lot(actor, lot_id)
    now = timezone.now()
    check = pass_verify(scan.qr, at=now)
    try:
        with transaction.atomic():
            reservation = None
            if check.reservation_id is not None:
                reservation = (
                    ParkingReservation.objects.select_for_update(of=("self",))
                    .select_related("user")
                    .filter(id=check.reservation_id)
                    .first()
                )
            replay = _replay(lot, scan)
            if replay is not None:
                return replay
            result: str
            reason: str
            if reservation is None:
                result, reason = GateResult.INVALID, check.reason or "unknown_reservation"
            elif reservation.lot_id != lot.id:
                result, reason = GateResult.WRONG_LOT, "other_lot"
            else:
                result, reason = _verdict(lot, reservation, scan.direction, at=now)
            response = _response(reservation, scan, result, reason, at=now)
            GateScan.objects.create(
                lot=lot,
                reservation=reservation if result != GateResult.WRONG_LOT else None,
                scanned_by=actor,
                nonce=scan.nonce,
                fingerprint=_fingerprint(scan),
                direction=scan.direction,
                result=result,
                reason=reason,
                response=response,
                scanned_at=now,
            )
            audit_record(
                action="parking.gate_scan",
                actor=actor,
                obj=reservation or lot,
                data={"lot_id": str(lot.id), "result": result, "reason": reason, "direction": scan.direction},
            )
    except IntegrityError:
        replay = _replay(lot, scan)  # the same nonce, committed by a concurrent scan
        if replay is None:
            raise
        return replay
    return response


def _verdict(lot: ParkingLot, reservation: ParkingReservation, direction: str, *, at: datetime) -> tuple[str, str]:
    """(result, reason) for a locked reservation of this lot; applies the entry or exit when ok."""
    if direction == GateDirection.ENTRY:
        if reservation.status != ReservationStatus.CONFIRMED:
            return GateResult.NOT_CONFIRMED, str(reservation.status)
        if at < reservation.reserved_from:
            return GateResult.NOT_YET_OPEN, ""
        if reservation.inside:
            return GateResult.ALREADY_INSIDE, ""
        if at >= reservation.reserved_until:
            return GateResult.WINDOW_OVER, ""
        reservation.inside = True
        reservation.entered_at = reservation.entered_at or at
        reservation.save(update_fields=["inside", "entered_at", "updated_at"])
        return GateResult.OK, ""
    if not reservation.inside:
        return GateResult.NOT_INSIDE, ""
    reservation.inside = False
    reservation.exited_at = at
    fields = ["inside", "exited_at", "updated_at"]
    if at >= reservation.reserved_until:
        reservation.status = ReservationStatus.COMPLETED  # no entry after the window: this was the last exit
        fields.append("status")
        _charge_overstay(lot, reservation, at=at)
    reservation.save(update_fields=fields)
    return GateResult.OK, ""


def _charge_overstay(lot: ParkingLot, reservation: ParkingReservation, *, at: datetime) -> None:
    minutes, hours, amount = overstay_amount(lot, reserved_until=reservation.reserved_until, exited_at=at)
    if amount <= 0:
        return
    charge = OverstayCharge.objects.create(
        reservation=reservation,
        user=reservation.user,
        minutes=minutes,
        hours_charged=hours,
        currency=lot.currency,
        amount=amount,
    )
    audit_record(
        action="parking.overstay", obj=charge, subject=reservation.user, data={"amount": str(amount), "hours": hours}
    )


def _response(
    reservation: ParkingReservation | None, scan: GateScanIn, result: str, reason: str, *, at: datetime
) -> dict[str, Any]:
    ok_exit = result == GateResult.OK and scan.direction == GateDirection.EXIT
    out: dict[str, Any] = {
        "status": str(result),
        "reason": reason or None,
        "message": EXIT_MESSAGE if ok_exit else MESSAGES[GateResult(result)],
        "nonce": scan.nonce,
        "direction": scan.direction,
        "scanned_at": at.isoformat(),
        "reservation": None,
        "overstay": None,
    }
    if reservation is None or result == GateResult.WRONG_LOT:
        return out
    out["reservation"] = {
        "id": str(reservation.id),
        "status": str(reservation.status),
        "inside": reservation.inside,
        "vehicle_plate": reservation.vehicle_plate or None,
        "reserved_from": reservation.reserved_from.isoformat(),
        "reserved_until": reservation.reserved_until.isoformat(),
        "guest": reservation.user.name or None,
    }
    charge = OverstayCharge.objects.filter(reservation=reservation).first() if ok_exit else None
    if charge is not None:
        out["overstay"] = {
            "id": str(charge.id),
            "minutes": charge.minutes,
            "amount": str(charge.amount),
            "currency": charge.currency,
            "status": str(charge.status),
        }
    return out
