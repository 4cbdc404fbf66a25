"""Reads for accounts."""

from __future__ import annotations

import uuid
from typing import TypedDict

from django.db.models import Prefetch
from django.utils import timezone

from loopin.accounts.error_codes import AccountErrorCode
from loopin.accounts.models import AuthSession, Interest, ProfilePicture, User
from loopin.core.errors import NotAuthenticated, PermissionDenied


class InterestRow(TypedDict):
    id: int
    name: str
    slug: str


def interests_active() -> list[InterestRow]:
    return list(Interest.objects.filter(is_active=True).values("id", "name", "slug"))


def user_with_profile(*, user_id: uuid.UUID) -> User:
    return User.objects.prefetch_related(
        Prefetch("interests", queryset=Interest.objects.order_by("position", "id")),
        Prefetch("pictures", queryset=ProfilePicture.objects.order_by("position", "created_at")),
    ).get(id=user_id)


def session_user(*, user_id: uuid.UUID, session_id: uuid.UUID) -> User:
    """The signed-in user behind an access token, in one query; ended sessions, suspended and disabled users fail."""
    session = AuthSession.objects.select_related("user").filter(id=session_id, user_id=user_id).first()
    if session is None:
        raise NotAuthenticated("This session has ended. Sign in again.", code=AccountErrorCode.SESSION_EXPIRED)
    user = session.user
    if user.is_suspended:  # before the session check: suspension revoked it, and the client should say why
        raise PermissionDenied("This account is suspended. Contact support.", code=AccountErrorCode.ACCOUNT_SUSPENDED)
    if session.revoked_at is not None or session.expires_at <= timezone.now():
        raise NotAuthenticated("This session has ended. Sign in again.", code=AccountErrorCode.SESSION_EXPIRED)
    if not user.is_active:
        raise NotAuthenticated("This account is disabled.", code=AccountErrorCode.ACCOUNT_DISABLED)
    user._auth_session_id = session.id  # type: ignore[attr-defined]
    user._auth_session_expires_at = session.expires_at  # type: ignore[attr-defined]
    return user
