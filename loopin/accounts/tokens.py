"""Access JWTs (HS256, short-lived) and opaque refresh tokens (stored hashed)."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from loopin.accounts.error_codes import AccountErrorCode
from loopin.core.bounded import oldest_to_drop
from loopin.core.errors import NotAuthenticated
from loopin.core.settings import get_settings

ALGORITHM = "HS256"
ISSUER = "loopin"


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    session_id: uuid.UUID


def access_token_issue(
    *, user_id: uuid.UUID, session_id: uuid.UUID, app_claims: dict[str, object] | None = None
) -> tuple[str, int]:
    """A signed access token. `app_claims` (the mobile app's `user_id` and `phone_number`) make it an app token:
    it lives APP_ACCESS_TOKEN_DAYS, because the app never refreshes; the session is still checked per request."""
    settings = get_settings()
    lifetime = settings.APP_ACCESS_TOKEN_DAYS * 86400 if app_claims else settings.ACCESS_TOKEN_MINUTES * 60
    now = datetime.now(UTC)
    payload: dict[str, object] = {
        **(app_claims or {}),
        "sub": str(user_id),
        "sid": str(session_id),
        "type": "access",
        "iss": ISSUER,
        "iat": now,
        "exp": now + timedelta(seconds=lifetime),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(payload, settings.JWT_SECRET_KEY, algorithm=ALGORITHM), lifetime


# Tokens verified in this process: the exact token string -> its claims and expiry, so a repeat call (every signed-in
# call of a session) pays a dict lookup instead of the HMAC and JSON (about 9 % of a sold-out answer). An entry is
# used only under the key it was verified with and only before its `exp`; anything refused is never stored. At most
# _VERIFIED_MAX (~0.5 KB each); when full, the oldest tenth goes.
_VERIFIED_MAX = 8192
_verified: dict[str, tuple[str, float, AccessClaims]] = {}
_verified_lock = threading.Lock()


def access_token_decode(token: str) -> AccessClaims:
    """The claims of a valid access token; NotAuthenticated (TOKEN_EXPIRED / INVALID_TOKEN) otherwise."""
    key = get_settings().JWT_SECRET_KEY
    found = _verified.get(token)
    if found is not None and found[0] == key:
        if time.time() < found[1]:  # PyJWT's own rule: expired once now >= exp (no leeway)
            return found[2]
        with _verified_lock:
            _verified.pop(token, None)
    claims, exp = _access_token_verify(token, key)
    with _verified_lock:
        for oldest in oldest_to_drop(_verified, _VERIFIED_MAX):
            _verified.pop(oldest, None)
        _verified[token] = (key, exp, claims)
    return claims


def _access_token_verify(token: str, key: str) -> tuple[AccessClaims, float]:
    try:
        payload = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],  # allow-list: 'none' and key-confusion tricks are refused
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "sid", "type"]},
        )
    except jwt.ExpiredSignatureError:
        raise NotAuthenticated(
            "Your session has expired. Refresh it or sign in again.", code=AccountErrorCode.TOKEN_EXPIRED
        ) from None
    except jwt.PyJWTError:
        raise NotAuthenticated("The access token is invalid.", code=AccountErrorCode.INVALID_TOKEN) from None
    if payload.get("type") != "access":
        raise NotAuthenticated("The access token is invalid.", code=AccountErrorCode.INVALID_TOKEN)
    try:
        claims = AccessClaims(user_id=uuid.UUID(payload["sub"]), session_id=uuid.UUID(payload["sid"]))
        return claims, float(payload["exp"])
    except (ValueError, TypeError):
        raise NotAuthenticated("The access token is invalid.", code=AccountErrorCode.INVALID_TOKEN) from None


def refresh_token_new() -> tuple[str, str]:
    """Return (token, its hash). 256 bits of randomness; only the hash is stored."""
    token = secrets.token_urlsafe(32)
    return token, refresh_token_hash(token)


def refresh_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
