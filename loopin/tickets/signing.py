"""Signed ticket QR codes: per-event Ed25519 keys (private halves encrypted at rest) and a compact token.

Token: `LP1.` + base64url(payload ‖ signature), no padding, where payload is 50 bytes, big-endian:

    version u8 (=1) · ticket id 16 bytes · event id 16 bytes · seats u8 ·
    valid from u32 (unix s) · valid until u32 (unix s) · key id 8 bytes

and signature is the 64-byte Ed25519 signature of the payload. A scanner app verifies it offline with
the event's public keys (`GET /api/v2/events/{id}/check-in/keys`, each with its `kid` = hex of the key id).
"""

from __future__ import annotations

import base64
import secrets
import struct
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from django.db import IntegrityError, transaction

from loopin.core.crypto import derived_fernet
from loopin.core.settings import get_settings
from loopin.tickets.door.settings import opens_at
from loopin.tickets.models import CheckinKey, Ticket

PREFIX = "LP1."
VERSION = 1
_PAYLOAD = struct.Struct(">B16s16sBII8s")
SIG_BYTES = 64
# A code stays valid this long after the event's end (late scans, exits).
VALID_AFTER_END = timedelta(hours=12)


def fernet() -> Fernet:
    s = get_settings()
    return derived_fernet(s.CHECKIN_KEYS_SECRET or s.SECRET_KEY, "checkin signing keys")


def b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class NewKey:
    kid: str
    public_key: str
    private_key_encrypted: str


def key_generate() -> NewKey:
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    raw_public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return NewKey(
        kid=secrets.token_hex(8),
        public_key=b64e(raw_public),
        private_key_encrypted=fernet().encrypt(raw_private).decode(),
    )


def _private_key(encrypted: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(fernet().decrypt(encrypted.encode()))


@lru_cache(maxsize=1024)
def _public_key(public_b64: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(b64d(public_b64))


@dataclass(frozen=True)
class TokenClaims:
    ticket_id: uuid.UUID
    event_id: uuid.UUID
    seats: int
    valid_from: datetime
    valid_until: datetime
    kid: str


def token_sign(claims: TokenClaims, *, private_key_encrypted: str, prefix: str = PREFIX) -> str:
    """Sign `claims`; another kind of code signed with the same keys (a parking pass) has its own `prefix`."""
    payload = _PAYLOAD.pack(
        VERSION,
        claims.ticket_id.bytes,
        claims.event_id.bytes,
        min(claims.seats, 255),
        int(claims.valid_from.timestamp()),
        int(claims.valid_until.timestamp()),
        bytes.fromhex(claims.kid),
    )
    return prefix + b64e(payload + _private_key(private_key_encrypted).sign(payload))


class TokenInvalid(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def token_parse(token: str, *, prefix: str = PREFIX) -> tuple[TokenClaims, bytes, bytes]:
    """Split a token into its claims, the signed bytes and the signature (not yet verified)."""
    token = token.strip()
    if not token.startswith(prefix) or len(token) > 400:
        raise TokenInvalid("malformed")
    try:
        raw = b64d(token[len(prefix) :])
    except ValueError as exc:
        raise TokenInvalid("malformed") from exc
    if len(raw) != _PAYLOAD.size + SIG_BYTES:
        raise TokenInvalid("malformed")
    payload, signature = raw[: _PAYLOAD.size], raw[_PAYLOAD.size :]
    version, ticket, event, seats, valid_from, valid_until, kid = _PAYLOAD.unpack(payload)
    if version != VERSION:
        raise TokenInvalid("malformed")
    claims = TokenClaims(
        ticket_id=uuid.UUID(bytes=ticket),
        event_id=uuid.UUID(bytes=event),
        seats=seats,
        valid_from=datetime.fromtimestamp(valid_from, tz=UTC),
        valid_until=datetime.fromtimestamp(valid_until, tz=UTC),
        kid=kid.hex(),
    )
    return claims, payload, signature


def signature_ok(*, public_key: str, payload: bytes, signature: bytes) -> bool:
    try:
        _public_key(public_key).verify(signature, payload)
    except (InvalidSignature, ValueError):
        return False
    return True


def active_key(event_id: uuid.UUID) -> CheckinKey:
    """The event's signing key, made on first use (two first uses at once: one wins, both get it)."""
    key = CheckinKey.objects.filter(event_id=event_id, is_active=True).first()
    if key is not None:
        return key
    new = key_generate()
    try:
        with transaction.atomic():
            return CheckinKey.objects.create(
                event_id=event_id,
                kid=new.kid,
                public_key=new.public_key,
                private_key_encrypted=new.private_key_encrypted,
            )
    except IntegrityError:
        return CheckinKey.objects.get(event_id=event_id, is_active=True)


def active_keys(event_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, CheckinKey]:
    """The signing key of each event in one query (those without one get it made, as `active_key` does)."""
    wanted = set(event_ids)
    keys = {k.event_id: k for k in CheckinKey.objects.filter(event_id__in=wanted, is_active=True)}
    for event_id in wanted - keys.keys():
        keys[event_id] = active_key(event_id)
    return keys


def ticket_token(ticket: Ticket, *, key: CheckinKey | None = None) -> str:
    """The signed QR payload of a ticket, valid from check-in opening until 12 h after the end.

    A list passes each ticket's `key` from one `active_keys` call instead of a query per ticket.
    """
    event = ticket.event
    if key is None:
        key = active_key(event.id)

    def sign(kid: str, private_key_encrypted: str) -> str:
        claims = TokenClaims(
            ticket_id=ticket.id,
            event_id=event.id,
            seats=ticket.seats,
            valid_from=opens_at(event),
            valid_until=event.end_at + VALID_AFTER_END,
            kid=kid,
        )
        return token_sign(claims, private_key_encrypted=private_key_encrypted)

    try:
        return sign(key.kid, key.private_key_encrypted)
    except InvalidToken:
        # CHECKIN_KEYS_SECRET changed: this private key is unreadable now. Sign with a new key; the old
        # one stays active for verification (its public half needs no secret) until the host retires it.
        type(key).objects.filter(id=key.id, is_active=True).update(is_active=False)
        key = active_key(event.id)
        return sign(key.kid, key.private_key_encrypted)
