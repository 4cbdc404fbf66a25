"""Symmetric encryption at rest and in transit: one Fernet key per purpose, derived from a secret."""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


@lru_cache(maxsize=16)
def derived_fernet(secret: str, purpose: str) -> Fernet:
    """A Fernet for `purpose` (HKDF-SHA256 of `secret`): two purposes never share a key, and changing the
    secret makes everything sealed before unreadable, which callers rely on to notice a rotation."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"loopin {purpose}".encode()).derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))
