"""Admin sign-in lock-out: failures (wrong password or authenticator code) are counted per account and
per client IP in the rate-limit storage (Redis, or in-process). After STAFF_LOGIN_ACCOUNT_FAILURES (per
account) or STAFF_LOGIN_IP_FAILURES (per IP) the next attempt waits STAFF_LOGIN_LOCK_SECONDS, and every
further failure doubles the wait up to STAFF_LOGIN_LOCK_MAX_SECONDS. A lock-out is audited; while locked,
no password or code is even checked."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import timezone

from loopin.audit.services import audit_record
from loopin.core import ratelimit
from loopin.core.phone import InvalidPhoneNumber, normalize_phone
from loopin.core.settings import get_settings
from loopin.core.time import display_zone

if TYPE_CHECKING:
    from loopin.accounts.models import User

ACCOUNT = "staff_login_account"
IP = "staff_login_ip"


def request_ip(request: HttpRequest) -> str:
    """The client IP the ASGI middleware resolved (trusted proxies only), else the socket's."""
    scope = getattr(request, "scope", None) or {}
    return (scope.get("state") or {}).get("client_ip") or request.META.get("REMOTE_ADDR") or "unknown"


def account_identity(username: Any) -> str:
    """One identity per account, however the phone number is written."""
    text = str(username or "").strip()
    try:
        return normalize_phone(text)
    except InvalidPhoneNumber:
        return text.lower()


def _policy(scope: str) -> ratelimit.Backoff:
    s = get_settings()
    return ratelimit.Backoff(
        threshold=s.STAFF_LOGIN_ACCOUNT_FAILURES if scope == ACCOUNT else s.STAFF_LOGIN_IP_FAILURES,
        first_wait=s.STAFF_LOGIN_LOCK_SECONDS,
        max_wait=s.STAFF_LOGIN_LOCK_MAX_SECONDS,
        memory=s.STAFF_LOGIN_FAILURE_MEMORY_SECONDS,
    )


def _lock_message(scope: str, wait: int) -> str:
    until = (timezone.now() + timedelta(seconds=wait)).astimezone(display_zone())
    who = "this account" if scope == ACCOUNT else "your network address"
    return (
        f"Sign-in is locked for {who} after too many failed attempts. "
        f"Try again after {until:%H:%M:%S} ({until.tzname()}), in {wait} s."
    )


def login_lock_message(*, ip: str, username: Any) -> str | None:
    """The message for a locked account or IP, or None when this attempt may be checked."""
    for scope, identity in ((IP, ip), (ACCOUNT, account_identity(username))):
        wait = ratelimit.lockout_wait(scope, identity)
        if wait:
            return _lock_message(scope, wait)
    return None


def login_failed(*, ip: str, username: Any, user: User = None, reason: str) -> str | None:
    """Count a failed attempt against the IP and the account; audit and describe any lock-out it starts."""
    message = None
    for scope, identity in ((ACCOUNT, account_identity(username)), (IP, ip)):
        failures, wait = ratelimit.lockout_fail(scope, identity, _policy(scope))
        if wait:
            if user is None:
                user = get_user_model().objects.filter(phone_number=account_identity(username)).first()
            audit_record(
                action="staff.login_locked",
                subject=user,
                ip=ip,
                data={
                    "scope": "account" if scope == ACCOUNT else "ip",
                    "failures": failures,
                    "wait_seconds": wait,
                    "reason": reason,
                },
            )
            message = message or _lock_message(scope, wait)
    return message


def login_succeeded(*, username: Any) -> None:
    """A complete sign-in forgets the account's failures (the IP's stay counted)."""
    ratelimit.lockout_clear(ACCOUNT, account_identity(username))
