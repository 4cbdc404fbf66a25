"""Short random identifiers for people to read, type and share."""

from __future__ import annotations

import secrets

# Crockford-style alphabet without look-alikes (no 0/O, 1/I/L, U).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def short_code(length: int = 8) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def url_token(nbytes: int = 24) -> str:
    return secrets.token_urlsafe(nbytes)
