"""The caller behind a bearer token, as `core.auth` asks for it (registered in AccountsConfig.ready).

The session check is cached per process (loopin.core.sessioncache): a hit costs no query. Every change that could
end a session or alter what the check returns forgets the cached entries in every process: the services that end
sessions (through `sessions_ended`), and any save or delete of a user or a session row (the receivers below).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from loopin.accounts.models import AuthSession, User
from loopin.accounts.selectors import session_user
from loopin.accounts.tokens import AccessClaims
from loopin.accounts.waitlist import waitlist_gate
from loopin.core.sessioncache import session_cache, session_cache_forget


def caller_user(claims: AccessClaims, gated: bool) -> User:
    """The signed-in user (one query, none when cached; ended sessions, suspended and disabled users fail);
    `gated` also refuses a waitlisted one (403 WAITLISTED)."""
    cache = session_cache()
    user: User | None = cache.get(session_id=claims.session_id, user_id=claims.user_id)
    if user is None:
        generation = cache.generation()
        user = session_user(user_id=claims.user_id, session_id=claims.session_id)
        cache.put(
            session_id=claims.session_id,
            user_id=claims.user_id,
            expires_at=user._auth_session_expires_at,  # type: ignore[attr-defined]
            value=user,
            generation=generation,
        )
    if gated:
        waitlist_gate(user)
    return user


def caller_cached(claims: AccessClaims, gated: bool) -> User | None:
    """`caller_user` when its answer is cached and takes no query: None when the session is not cached, or when the
    gate would have to look further (a waitlisted caller may be promoted on the spot)."""
    user: User | None = session_cache().get(session_id=claims.session_id, user_id=claims.user_id)
    if user is None or (gated and user.is_waitlisted):
        return None
    return user


def _user_changed(sender: Any, instance: User, **kwargs: Any) -> None:
    if kwargs.get("created"):
        return  # a new user has no session yet, so none is cached
    session_cache_forget(user_id=instance.pk)


def _session_changed(sender: Any, instance: AuthSession, **kwargs: Any) -> None:
    if kwargs.get("created"):
        return  # a new session was never cached
    session_cache_forget(user_id=instance.user_id, session_id=instance.pk)


def connect_session_cache_receivers() -> None:
    post_save.connect(_user_changed, sender=User, dispatch_uid="session_cache.user_saved")
    post_delete.connect(_user_changed, sender=User, dispatch_uid="session_cache.user_deleted")
    post_save.connect(_session_changed, sender=AuthSession, dispatch_uid="session_cache.session_saved")
    post_delete.connect(_session_changed, sender=AuthSession, dispatch_uid="session_cache.session_deleted")
