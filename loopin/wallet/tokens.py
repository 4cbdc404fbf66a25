"""Pass authentication tokens: random, kept encrypted (to write into pass.json again) and hashed (to compare)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken

from loopin.core.crypto import derived_fernet
from loopin.core.settings import get_settings


def _fernet() -> Fernet:
    return derived_fernet(get_settings().SECRET_KEY, "wallet pass tokens")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: str
    hashed: str
    encrypted: str


def token_new() -> NewToken:
    token = secrets.token_urlsafe(32)  # Apple asks for at least 16 characters
    return NewToken(token=token, hashed=token_hash(token), encrypted=_fernet().encrypt(token.encode()).decode())


def token_decrypt(encrypted: str) -> str | None:
    """The token, or None when SECRET_KEY changed since it was sealed."""
    try:
        return _fernet().decrypt(encrypted.encode()).decode()
    except InvalidToken:
        return None


def token_matches(presented: str, hashed: str) -> bool:
    return hmac.compare_digest(token_hash(presented), hashed)


def authorization_token(header: str | None) -> str:
    """The token of an `Authorization: ApplePass <token>` header ('' when absent or another scheme)."""
    scheme, _, token = (header or "").strip().partition(" ")
    return token.strip() if scheme == "ApplePass" else ""
