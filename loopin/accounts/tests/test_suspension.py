"""Suspension: sessions end at once, and every way back in answers 403 ACCOUNT_SUSPENDED."""

from __future__ import annotations

import pytest

from loopin.accounts.models import AuthSession, OtpCode, User
from loopin.accounts.services import user_suspend, user_unsuspend
from loopin.audit.models import AuditEntry
from loopin.testing.fixtures import last_code, signed_in_user

PHONE = "+916205829376"


@pytest.fixture
def staff(db):
    return User.objects.create_superuser(phone_number="+919999999999", password="a-long-admin-password")


@pytest.fixture
def suspended(api, staff, app_settings):
    app_settings.OTP_RESEND_COOLDOWN_SECONDS = 0
    user = signed_in_user(api, PHONE)
    assert user_suspend(user_id=user["user_id"], staff=staff, reason="spam") is True
    return user


def test_suspending_revokes_every_session_and_is_audited(api, staff, suspended):
    assert AuthSession.objects.filter(revoked_at__isnull=True).count() == 0
    assert AuthSession.objects.get().revoke_reason == "suspended"
    entry = AuditEntry.objects.get(action="user.suspended")
    assert entry.actor_id == staff.id and str(entry.subject_id) == suspended["user_id"]
    assert entry.data == {"reason": "spam", "sessions": 1}
    assert user_suspend(user_id=suspended["user_id"], staff=staff) is False


@pytest.mark.parametrize("path", ["/api/v2/auth/profile", "/api/v2/me/export"])
def test_an_old_token_gets_account_suspended(api, suspended, path):
    r = api.get(path, headers=suspended["headers"])
    assert r.status_code == 403
    assert r.json()["error_code"] == "ACCOUNT_SUSPENDED"


def test_gated_endpoints_answer_account_suspended(suspended, probe):
    r = probe.get("/gated", headers=suspended["headers"])
    assert r.status_code == 403
    assert r.json()["error_code"] == "ACCOUNT_SUSPENDED"


def test_refresh_answers_account_suspended(api, suspended):
    r = api.post("/api/v2/auth/refresh", json={"refresh_token": suspended["refresh_token"]})
    assert r.status_code == 403
    assert r.json()["error_code"] == "ACCOUNT_SUSPENDED"


@pytest.mark.parametrize("path", ["/api/v2/auth/login", "/api/v2/auth/signup"])
def test_asking_for_a_code_answers_account_suspended(api, suspended, path):
    r = api.post(path, json={"phone_number": PHONE})
    assert r.status_code == 403
    assert r.json()["error_code"] == "ACCOUNT_SUSPENDED"


def test_verifying_a_code_sent_before_the_suspension_is_refused(api, staff, app_settings):
    app_settings.OTP_RESEND_COOLDOWN_SECONDS = 0
    user = signed_in_user(api, PHONE)
    api.post("/api/v2/auth/login", json={"phone_number": PHONE})
    user_suspend(user_id=user["user_id"], staff=staff)
    r = api.post("/api/v2/auth/verify-login", json={"phone_number": PHONE, "otp_code": last_code(PHONE)})
    assert r.status_code == 403
    assert r.json()["error_code"] == "ACCOUNT_SUSPENDED"
    assert OtpCode.objects.filter(purpose="login").get().consumed_at is None
    assert AuthSession.objects.filter(revoked_at__isnull=True).count() == 0


def test_after_unsuspending_the_user_signs_in_again(api, staff, suspended):
    assert user_unsuspend(user_id=suspended["user_id"], staff=staff) is True
    assert api.get("/api/v2/auth/profile", headers=suspended["headers"]).json()["error_code"] == "SESSION_EXPIRED"
    api.post("/api/v2/auth/login", json={"phone_number": PHONE})
    r = api.post("/api/v2/auth/verify-login", json={"phone_number": PHONE, "otp_code": last_code(PHONE)})
    assert r.status_code == 200
    assert AuditEntry.objects.filter(action="user.unsuspended", actor=staff).count() == 1
