"""Sessions and tokens: sign in, refresh (with reuse detection), log out, revoke all."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.db import transaction
from django.utils import timezone

from loopin.accounts.error_codes import AccountErrorCode
from loopin.accounts.models import (
    AuthSession,
    RefreshToken,
    User,
)
from loopin.accounts.tokens import access_token_issue, refresh_token_hash, refresh_token_new
from loopin.audit.services import audit_record
from loopin.core import hooks
from loopin.core.crypto import derived_fernet
from loopin.core.errors import (
    NotAuthenticated,
    PermissionDenied,
)
from loopin.core.sessioncache import session_cache_forget
from loopin.core.settings import get_settings


@dataclass
class SignIn:
    user: User
    access_token: str
    expires_in: int
    refresh_token: str
    created: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _suspended() -> PermissionDenied:
    return PermissionDenied("This account is suspended. Contact support.", code=AccountErrorCode.ACCOUNT_SUSPENDED)


def session_start(*, user: User, ip: str | None = None, user_agent: str = "", app_token: bool = False) -> SignIn:
    """Start a session. An app token (`app_token`) carries the app's `user_id` (the integer number) and
    `phone_number` claims and lives APP_ACCESS_TOKEN_DAYS; its session lasts at least as long."""
    s = get_settings()
    now = timezone.now()
    days = max(s.REFRESH_TOKEN_ABSOLUTE_DAYS, s.APP_ACCESS_TOKEN_DAYS) if app_token else s.REFRESH_TOKEN_ABSOLUTE_DAYS
    session = AuthSession.objects.create(
        user=user,
        created_at=now,
        last_used_at=now,
        expires_at=now + timedelta(days=days),
        user_agent=user_agent[:255],
    )
    refresh, refresh_hash = refresh_token_new()
    RefreshToken.objects.create(session=session, token_hash=refresh_hash, created_at=now)
    claims = {"user_id": user.number, "phone_number": user.phone_number} if app_token else None
    access, expires_in = access_token_issue(user_id=user.id, session_id=session.id, app_claims=claims)
    User.objects.filter(id=user.id).update(last_login=now)
    audit_record(action="auth.login", actor=user, obj=session, subject=user, ip=ip)
    return SignIn(user=user, access_token=access, expires_in=expires_in, refresh_token=refresh)


def sessions_ended(*, user_id: uuid.UUID, session_id: uuid.UUID | None, reason: str) -> None:
    """Forget the sessions in every process's session cache (now and after commit); after commit, tell the
    listeners (realtime disconnects sockets) that sessions ended."""
    session_cache_forget(user_id=user_id, session_id=session_id)

    def announce() -> None:
        for fn in hooks.sessions_ended_listeners().values():
            fn(user_id=user_id, session_id=session_id, reason=reason)

    transaction.on_commit(announce, robust=True)


def _successor_fernet() -> Fernet:
    return derived_fernet(get_settings().SECRET_KEY, "refresh successor")


def _grace_successor(token: RefreshToken, grace: int) -> str | None:
    """The refresh token a used one was traded for, if that happened within the grace window and the new
    one has not been used yet (a concurrent refresh, not a replay after the app moved on)."""
    if grace <= 0 or not token.successor_sealed:
        return None
    try:
        successor = _successor_fernet().decrypt(token.successor_sealed.encode(), ttl=grace).decode()
    except InvalidToken:
        return None
    fresh = RefreshToken.objects.filter(
        session_id=token.session_id, token_hash=refresh_token_hash(successor), used_at__isnull=True
    ).exists()
    return successor if fresh else None


def _revoke(session_id: uuid.UUID, reason: str) -> int:
    revoked = AuthSession.objects.filter(id=session_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoke_reason=reason
    )
    if revoked:
        user_id = AuthSession.objects.filter(id=session_id).values_list("user_id", flat=True).first()
        if user_id is not None:  # the row was updated just above: it still exists
            sessions_ended(user_id=user_id, session_id=session_id, reason=reason)
    return revoked


def session_refresh(*, refresh_token: str, ip: str | None = None) -> SignIn:
    """Rotate a refresh token. Presenting one that was already used revokes its whole family, except within
    REFRESH_TOKEN_REUSE_GRACE_SECONDS of its rotation, where it gets the same new refresh token again."""
    s = get_settings()
    reuse: NotAuthenticated | None = None
    with transaction.atomic():
        token = (
            RefreshToken.objects.select_for_update()
            .select_related("session__user")
            .filter(token_hash=refresh_token_hash(refresh_token))
            .first()
        )
        if token is None:
            raise NotAuthenticated("The refresh token is not valid.", code=AccountErrorCode.INVALID_REFRESH_TOKEN)
        session = token.session
        user = session.user
        now = timezone.now()
        if user.is_suspended:
            raise _suspended()
        live = session.revoked_at is None and session.expires_at > now and user.is_active
        successor = _grace_successor(token, s.REFRESH_TOKEN_REUSE_GRACE_SECONDS) if token.used_at else None
        if successor is not None and live:
            access, expires_in = access_token_issue(user_id=user.id, session_id=session.id)
            return SignIn(user=user, access_token=access, expires_in=expires_in, refresh_token=successor)
        if token.used_at is not None:
            if _revoke(session.id, "refresh_reuse"):
                audit_record(action="auth.refresh_reuse_detected", actor=user, obj=session, subject=user, ip=ip)
            reuse = NotAuthenticated(
                "This refresh token was already used; the session has been ended. Sign in again.",
                code=AccountErrorCode.REFRESH_TOKEN_REUSED,
            )
        elif session.revoked_at is not None or session.expires_at <= now:
            raise NotAuthenticated("This session has ended. Sign in again.", code=AccountErrorCode.SESSION_EXPIRED)
        elif session.last_used_at + timedelta(days=s.REFRESH_TOKEN_IDLE_DAYS) <= now:
            _revoke(session.id, "idle")
            reuse = NotAuthenticated(
                "This session was idle too long. Sign in again.", code=AccountErrorCode.SESSION_EXPIRED
            )
        elif not user.is_active:
            raise NotAuthenticated("This account is disabled.", code=AccountErrorCode.ACCOUNT_DISABLED)
        else:
            new_refresh, new_hash = refresh_token_new()
            sealed = _successor_fernet().encrypt(new_refresh.encode()).decode()
            RefreshToken.objects.filter(id=token.id).update(used_at=now, successor_sealed=sealed)
            RefreshToken.objects.create(session=session, token_hash=new_hash, created_at=now)
            AuthSession.objects.filter(id=session.id).update(last_used_at=now)
            access, expires_in = access_token_issue(user_id=user.id, session_id=session.id)
            return SignIn(user=user, access_token=access, expires_in=expires_in, refresh_token=new_refresh)
    assert reuse is not None
    raise reuse


def session_logout(*, user: User, session_id: uuid.UUID, ip: str | None = None) -> None:
    with transaction.atomic():
        if _revoke(session_id, "logout"):
            audit_record(action="auth.logout", actor=user, subject=user, ip=ip, data={"session_id": str(session_id)})


def sessions_revoke_all(*, user: User, reason: str) -> int:
    revoked = AuthSession.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoke_reason=reason
    )
    sessions_ended(user_id=user.id, session_id=None, reason=reason)
    return revoked
