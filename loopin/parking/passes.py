"""Parking passes: the reservation's QR, signed with the event's check-in keys in the tickets' token format
(`loopin.tickets.signing`) under its own prefix, so a ticket is never a parking pass or the reverse.

Token: `LPK1.` + base64url(payload ‖ Ed25519 signature), the payload as a ticket's with the reservation id in
the ticket's place, 1 seat, valid from the reserved window's start until 12 h after its end.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.fernet import InvalidToken

from loopin.parking.models import ParkingReservation
from loopin.tickets import signing
from loopin.tickets.models import CheckinKey

PREFIX = "LPK1."
VALID_AFTER_WINDOW = timedelta(hours=12)


def pass_token(reservation: ParkingReservation) -> str:
    """The signed QR payload of a confirmed reservation."""

    def sign(key: CheckinKey) -> str:
        claims = signing.TokenClaims(
            ticket_id=reservation.id,
            event_id=reservation.event_id,
            seats=1,
            valid_from=reservation.reserved_from,
            valid_until=reservation.reserved_until + VALID_AFTER_WINDOW,
            kid=key.kid,
        )
        return signing.token_sign(claims, private_key_encrypted=key.private_key_encrypted, prefix=PREFIX)

    key = signing.active_key(reservation.event_id)
    try:
        return sign(key)
    except InvalidToken:
        # The key secret changed (as tickets handle it): sign with a new key; the old one still verifies.
        CheckinKey.objects.filter(id=key.id, is_active=True).update(is_active=False)
        return sign(signing.active_key(reservation.event_id))


@dataclass(frozen=True)
class PassCheck:
    reservation_id: uuid.UUID | None
    reason: str  # "" when the pass is genuine and current


def pass_verify(token: str, *, at: datetime) -> PassCheck:
    """Which reservation a scanned pass names, or why it is not a genuine, current pass."""
    try:
        claims, payload, signature = signing.token_parse(token, prefix=PREFIX)
    except signing.TokenInvalid as exc:
        return PassCheck(None, exc.reason)
    key = CheckinKey.objects.filter(kid=claims.kid).only("event_id", "public_key", "retired_at").first()
    if key is None:
        return PassCheck(None, "unknown_key")
    if key.event_id != claims.event_id or not signing.signature_ok(
        public_key=key.public_key, payload=payload, signature=signature
    ):
        return PassCheck(None, "bad_signature")
    if key.retired_at is not None:
        return PassCheck(None, "retired_key")
    if at > claims.valid_until:
        return PassCheck(None, "expired")
    return PassCheck(claims.ticket_id, "")
