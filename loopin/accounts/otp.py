"""OTP secrets: generated with a CSPRNG, stored as a keyed hash, sealed when they cross the broker."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken

from loopin.core.crypto import derived_fernet
from loopin.core.settings import get_settings


def _key(purpose: str) -> bytes:
    return hashlib.sha256(f"loopin:{purpose}:{get_settings().SECRET_KEY}".encode()).digest()


def otp_generate() -> str:
    length = get_settings().OTP_LENGTH
    return f"{secrets.randbelow(10**length):0{length}d}"


def otp_hash(*, code_id: object, phone_number: str, code: str) -> str:
    message = f"{code_id}:{phone_number}:{code}".encode()
    return hmac.new(_key("otp-hash"), message, hashlib.sha256).hexdigest()


def otp_matches(*, code_id: object, phone_number: str, code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(otp_hash(code_id=code_id, phone_number=phone_number, code=code), stored_hash)


def _fernet() -> Fernet:
    return derived_fernet(get_settings().SECRET_KEY, "otp-transit")


def otp_seal(code: str) -> str:
    """Encrypt a code for the task queue, so the broker never holds it in clear."""
    return _fernet().encrypt(code.encode()).decode()


def otp_unseal(sealed: str) -> str | None:
    try:
        return _fernet().decrypt(sealed.encode(), ttl=get_settings().OTP_TTL_SECONDS).decode()
    except InvalidToken:
        return None


def ip_digest(ip: str | None) -> str:
    """A keyed digest of a client IP (wrong-code buckets are per network without storing the address)."""
    if not ip:
        return ""
    return hmac.new(_key("otp-ip"), ip.encode(), hashlib.sha256).hexdigest()
