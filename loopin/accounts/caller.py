"""The caller behind a bearer token, as `core.auth` asks for it (registered in AccountsConfig.ready)."""

from __future__ import annotations

from loopin.accounts.models import User
from loopin.accounts.selectors import session_user
from loopin.accounts.tokens import AccessClaims
from loopin.accounts.waitlist import waitlist_gate


def caller_user(claims: AccessClaims, gated: bool) -> User:
    """The signed-in user (one query; ended sessions, suspended and disabled users fail); `gated` also refuses
    a waitlisted one (403 WAITLISTED)."""
    user = session_user(user_id=claims.user_id, session_id=claims.session_id)
    if gated:
        waitlist_gate(user)
    return user
