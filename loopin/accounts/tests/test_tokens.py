"""Access and refresh tokens: rotation, reuse detection, logout, lifetimes, disabled users."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import jwt
from django.utils import timezone

from loopin.accounts.models import AuthSession, OtpCode, User
from loopin.audit.models import AuditEntry
from loopin.core.settings import get_settings
from loopin.testing.fixtures import auth, last_code, sign_up

PHONE = "+916205829376"


def _refresh(api, token):
    return api.post("/api/v2/auth/refresh", json={"refresh_token": token})


def test_refresh_rotates_the_pair(api):
    body = sign_up(api, PHONE)
    r = _refresh(api, body["refresh_token"])
    assert r.status_code == 200
    new = r.json()
    assert new["refresh_token"] != body["refresh_token"]
    assert new["token_type"] == "bearer" and new["expires_in"] == 3600
    assert new["data"] == {"user_id": body["data"]["user_id"]}
    assert api.get("/api/v2/auth/profile", headers=auth(new)).status_code == 200
    assert _refresh(api, new["refresh_token"]).status_code == 200


def test_reusing_a_refresh_token_revokes_the_whole_family(api):
    body = sign_up(api, PHONE)
    rotated = _refresh(api, body["refresh_token"]).json()
    assert _refresh(api, rotated["refresh_token"]).status_code == 200  # the app moved on
    r = _refresh(api, body["refresh_token"])  # a thief replays the old one
    assert r.status_code == 401
    assert r.json()["error_code"] == "REFRESH_TOKEN_REUSED"
    # Every token of the family is now dead: the legitimate newer refresh token and both access tokens.
    assert _refresh(api, rotated["refresh_token"]).json()["error_code"] == "REFRESH_TOKEN_REUSED"
    assert api.get("/api/v2/auth/profile", headers=auth(rotated)).status_code == 401
    assert api.get("/api/v2/auth/profile", headers=auth(body)).json()["error_code"] == "SESSION_EXPIRED"
    assert AuditEntry.objects.filter(action="auth.refresh_reuse_detected").count() == 1
    assert AuthSession.objects.get().revoke_reason == "refresh_reuse"


def test_a_second_refresh_with_the_same_token_within_the_grace_window_gets_the_same_new_token(api):
    body = sign_up(api, PHONE)
    first = _refresh(api, body["refresh_token"])
    second = _refresh(api, body["refresh_token"])  # the app's other request, sent at the same time
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json()["refresh_token"] == first.json()["refresh_token"]
    assert api.get("/api/v2/auth/profile", headers=auth(first.json())).status_code == 200
    assert api.get("/api/v2/auth/profile", headers=auth(second.json())).status_code == 200
    assert AuthSession.objects.get().revoked_at is None
    assert AuditEntry.objects.filter(action="auth.refresh_reuse_detected").count() == 0
    assert _refresh(api, first.json()["refresh_token"]).status_code == 200  # the chain goes on


def test_a_replay_after_the_grace_window_revokes_the_family(api, app_settings):
    app_settings.REFRESH_TOKEN_REUSE_GRACE_SECONDS = 1
    body = sign_up(api, PHONE)
    rotated = _refresh(api, body["refresh_token"]).json()
    time.sleep(2.1)
    r = _refresh(api, body["refresh_token"])
    assert r.json()["error_code"] == "REFRESH_TOKEN_REUSED"
    assert api.get("/api/v2/auth/profile", headers=auth(rotated)).status_code == 401


def test_no_grace_when_it_is_turned_off(api, app_settings):
    app_settings.REFRESH_TOKEN_REUSE_GRACE_SECONDS = 0
    body = sign_up(api, PHONE)
    _refresh(api, body["refresh_token"])
    assert _refresh(api, body["refresh_token"]).json()["error_code"] == "REFRESH_TOKEN_REUSED"


def test_other_sessions_survive_a_reuse_in_one_family(api):
    first = sign_up(api, PHONE)
    OtpCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))  # past the resend cooldown
    second = sign_up(api, PHONE)  # a second device
    _refresh(api, first["refresh_token"])
    _refresh(api, first["refresh_token"])
    assert api.get("/api/v2/auth/profile", headers=auth(second)).status_code == 200


def test_unknown_refresh_token(api):
    r = _refresh(api, "x" * 43)
    assert r.status_code == 401
    assert r.json()["error_code"] == "INVALID_REFRESH_TOKEN"


def test_logout_ends_the_session(api):
    body = sign_up(api, PHONE)
    r = api.post("/api/v2/auth/logout", headers=auth(body))
    assert r.status_code == 200
    assert r.json() == {"success": True, "message": "Logged out", "data": None}
    assert api.get("/api/v2/auth/profile", headers=auth(body)).status_code == 401
    assert _refresh(api, body["refresh_token"]).json()["error_code"] == "SESSION_EXPIRED"
    assert AuditEntry.objects.filter(action="auth.logout").count() == 1


def _deactivate(phone):
    # As the admin does (a save): a raw UPDATE behind the app's back reaches cached callers after
    # SESSION_CACHE_SECONDS only (loopin.core.sessioncache).
    user = User.objects.get(phone_number=phone)
    user.is_active = False
    user.save(update_fields=["is_active"])


def test_a_deactivated_users_tokens_stop_at_once(api):
    body = sign_up(api, PHONE)
    assert api.get("/api/v2/auth/profile", headers=auth(body)).status_code == 200  # the session is cached now
    _deactivate(PHONE)
    r = api.get("/api/v2/auth/profile", headers=auth(body))
    assert r.status_code == 401
    assert r.json()["error_code"] == "ACCOUNT_DISABLED"
    assert _refresh(api, body["refresh_token"]).json()["error_code"] == "ACCOUNT_DISABLED"


def test_a_deactivated_user_cannot_sign_in_again(api):
    sign_up(api, PHONE)
    _deactivate(PHONE)
    OtpCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    api.post("/api/v2/auth/login", json={"phone_number": PHONE})
    r = api.post("/api/v2/auth/verify-login", json={"phone_number": PHONE, "otp_code": last_code(PHONE)})
    assert r.status_code == 403
    assert r.json()["error_code"] == "ACCOUNT_DISABLED"


def test_idle_sessions_expire(api):
    body = sign_up(api, PHONE)
    AuthSession.objects.update(last_used_at=timezone.now() - timedelta(days=14, seconds=1))
    r = _refresh(api, body["refresh_token"])
    assert r.status_code == 401 and r.json()["error_code"] == "SESSION_EXPIRED"


def test_sessions_have_an_absolute_lifetime_of_30_days(api):
    body = sign_up(api, PHONE)
    session = AuthSession.objects.get()
    assert (session.expires_at - session.created_at) == timedelta(days=30)
    session.expires_at = timezone.now() - timedelta(seconds=1)
    session.save(update_fields=["expires_at"])
    assert _refresh(api, body["refresh_token"]).json()["error_code"] == "SESSION_EXPIRED"
    assert api.get("/api/v2/auth/profile", headers=auth(body)).status_code == 401


def _forge(payload, key=None, algorithm="HS256"):
    return jwt.encode(payload, key or get_settings().JWT_SECRET_KEY, algorithm=algorithm)


def test_tokens_that_are_expired_forged_or_of_the_wrong_type_are_refused(api):
    body = sign_up(api, PHONE)
    claims = jwt.decode(body["token"], options={"verify_signature": False})
    now = datetime.now(UTC)
    expired = _forge({**claims, "iat": now - timedelta(hours=2), "exp": now - timedelta(hours=1)})
    assert api.get("/api/v2/auth/profile", headers=auth(expired)).json()["error_code"] == "TOKEN_EXPIRED"
    wrong_type = _forge({**claims, "type": "refresh"})
    assert api.get("/api/v2/auth/profile", headers=auth(wrong_type)).json()["error_code"] == "INVALID_TOKEN"
    wrong_key = _forge(claims, key="another-secret-that-is-long-enough-0123456789")
    assert api.get("/api/v2/auth/profile", headers=auth(wrong_key)).json()["error_code"] == "INVALID_TOKEN"
    unsigned = jwt.encode(claims, None, algorithm="none")
    assert api.get("/api/v2/auth/profile", headers=auth(unsigned)).json()["error_code"] == "INVALID_TOKEN"
    r = api.get("/api/v2/auth/profile")
    assert r.status_code == 401
    assert r.json()["error_code"] == "NOT_AUTHENTICATED"
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_a_token_accepted_before_still_expires_on_time_and_its_forgeries_are_refused(api):
    body = sign_up(api, PHONE)
    claims = jwt.decode(body["token"], options={"verify_signature": False})
    now = datetime.now(UTC)
    short = _forge({**claims, "iat": now, "exp": now + timedelta(seconds=2)})
    assert api.get("/api/v2/auth/profile", headers=auth(short)).status_code == 200
    assert api.get("/api/v2/auth/profile", headers=auth(short)).status_code == 200  # the verified token, again
    head, payload, signature = short.split(".")
    tampered = f"{head}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    assert api.get("/api/v2/auth/profile", headers=auth(tampered)).json()["error_code"] == "INVALID_TOKEN"
    time.sleep(max(0.0, claims_exp(short) - time.time()) + 0.05)
    r = api.get("/api/v2/auth/profile", headers=auth(short))
    assert (r.status_code, r.json()["error_code"]) == (401, "TOKEN_EXPIRED")


def test_a_token_accepted_under_one_key_is_refused_once_the_key_changes(api, app_settings):
    body = sign_up(api, PHONE)
    assert api.get("/api/v2/auth/profile", headers=auth(body["token"])).status_code == 200
    app_settings.JWT_SECRET_KEY = "a-rotated-secret-that-is-long-enough-0123456789"
    r = api.get("/api/v2/auth/profile", headers=auth(body["token"]))
    assert (r.status_code, r.json()["error_code"]) == (401, "INVALID_TOKEN")


def claims_exp(token: str) -> float:
    return float(jwt.decode(token, options={"verify_signature": False})["exp"])
