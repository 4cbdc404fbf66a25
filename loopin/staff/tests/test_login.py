"""Staff sign-in to the admin: password, TOTP when enrolled or required, and the enrolment flow."""

from __future__ import annotations

from base64 import b32encode

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from loopin.accounts.models import User
from loopin.audit.models import AuditEntry
from loopin.core.settings import Settings

PHONE = "+919999999999"
PASSWORD = "a-long-admin-password"


@pytest.fixture
def staff(db):
    return User.objects.create_user(phone_number=PHONE, password=PASSWORD, is_staff=True, is_superuser=True)


@pytest.fixture
def device(staff):
    return TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)


@pytest.fixture
def totp_required(app_settings):
    app_settings.STAFF_TOTP_REQUIRED = True


def _code(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def _login(client: Client, **extra: str):
    return client.post("/admin/login/", {"username": PHONE, "password": PASSWORD, "next": "/admin/", **extra})


def test_password_alone_opens_the_admin_when_totp_is_optional(staff):
    client = Client()
    r = _login(client)
    assert r.status_code == 302 and r["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_wrong_password_is_refused(staff):
    client = Client()
    r = client.post("/admin/login/", {"username": PHONE, "password": "not-the-password"})
    assert r.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_people_who_are_not_staff_cannot_sign_in(db):
    User.objects.create_user(phone_number=PHONE, password=PASSWORD)
    client = Client()
    r = _login(client)
    assert r.status_code == 200
    assert "staff account" in r.content.decode()
    assert client.get("/admin/").status_code == 302


def test_an_enrolled_staff_member_must_give_the_code(device):
    client = Client()
    r = _login(client)
    assert r.status_code == 200
    assert "Enter the code from your authenticator app." in r.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_wrong_code_is_refused(device):
    client = Client()
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    r = _login(client, otp_token=wrong)
    assert r.status_code == 200
    assert "That authenticator code is not right. 1 wrong in a row: try again after " in r.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_code_sent_while_throttled_says_so_and_when_to_retry(device):
    client = Client()
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    _login(client, otp_token=wrong)
    r = _login(client, otp_token=_code(device))  # right, but inside the 1 s wait django-otp imposes
    html = r.content.decode()
    assert "That code was not checked: too many wrong codes in a row. 1 wrong in a row: try again after " in html
    assert "(IST), in 1 s." in html or "(IST), in 2 s." in html
    assert client.get("/admin/").status_code == 302


def test_password_and_code_open_a_verified_session(device):
    client = Client()
    r = _login(client, otp_token=_code(device))
    assert r.status_code == 302
    r = client.get("/admin/")
    assert r.status_code == 200
    assert r.wsgi_request.user.is_verified()


def test_a_password_only_session_is_refused_once_a_device_exists(staff):
    client = Client()
    _login(client)
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    assert client.get("/admin/").status_code == 302


def test_when_required_a_password_alone_signs_nobody_in_and_says_to_ask_for_a_link(staff, totp_required):
    client = Client()
    r = _login(client)
    html = r.content.decode()
    assert r.status_code == 200
    assert "This staff account has no authenticator app yet, and staff must use one. Ask a superuser for a " in html
    assert "manage.py staff_totp_link &lt;phone number&gt;" in html
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/totp/").status_code == 302  # no session: nothing to enrol with
    assert TOTPDevice.objects.filter(user=staff).count() == 0


def test_when_required_a_password_level_session_is_never_shown_a_secret(staff, totp_required):
    client = Client()
    client.force_login(staff)  # however a password-level session came about
    r = client.get("/admin/accounts/user/", follow=True)
    html = r.content.decode()
    assert r.redirect_chain[-1] == ("/admin/totp/", 302)
    assert "Staff must use an authenticator app to open the admin. Ask a superuser for a one-time" in html
    assert 'class="segno"' not in html and 'id="totp-secret"' not in html
    assert TOTPDevice.objects.filter(user=staff).count() == 0


def test_production_always_requires_totp():
    s = Settings(
        ENVIRONMENT="production",
        SECRET_KEY="q2Vx8Lr0Tn4Yw6Hb1Kc9Zd3Fm7Ps5Ga-Ju_Eo2Ri8Uh0Wl4Xy6Nt1Bv9Ck3Dz7Sa",
        ALLOWED_HOSTS=["api.loopin.app"],
        PUBLIC_BASE_URL="https://loopinsocial.in",
        TWILIO_ACCOUNT_SID="AC0123456789abcdef0123456789abcdef",
        TWILIO_AUTH_TOKEN="twilio-auth-token",
        PAYMENT_PROVIDER="razorpay",
        STAFF_TOTP_REQUIRED=False,
    )
    assert s.staff_totp_required is True
    assert Settings(ENVIRONMENT="development").staff_totp_required is False


def test_enrolment_shows_an_inline_qr_code_and_the_key(staff):
    client = Client()
    _login(client)
    r = client.get("/admin/totp/")
    html = r.content.decode()
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed is False
    assert '<svg width="' in html
    assert 'class="segno"' in html
    assert 'src="http' not in html and 'href="http' not in html  # nothing fetched from elsewhere
    assert b32encode(device.bin_key).decode() in html


def test_enrolment_with_a_wrong_code_keeps_the_device_unconfirmed(staff):
    client = Client()
    _login(client)
    client.get("/admin/totp/")
    device = TOTPDevice.objects.get(user=staff)
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    r = client.post("/admin/totp/", {"otp_token": wrong})
    assert r.status_code == 200
    assert "That code is not right." in r.content.decode()
    assert TOTPDevice.objects.get(user=staff).confirmed is False


def test_enrolment_confirms_the_device_and_verifies_the_session(staff):
    client = Client()
    _login(client)
    client.get("/admin/totp/")
    device = TOTPDevice.objects.get(user=staff)
    r = client.post("/admin/totp/", {"otp_token": _code(device)})
    assert r.status_code == 302 and r["Location"] == "/admin/"
    assert TOTPDevice.objects.get(user=staff).confirmed is True
    assert client.get("/admin/accounts/user/").status_code == 200
    assert AuditEntry.objects.filter(action="staff.totp_enrolled", actor=staff).count() == 1
    assert "set up" in client.get("/admin/totp/").content.decode()


def test_enrolment_cannot_replace_a_device_from_an_unverified_session(device, totp_required):
    client = Client()
    client.force_login(device.user)  # password-level session, no code
    r = client.get("/admin/totp/")
    assert r.status_code == 302 and r["Location"].startswith("/admin/login/")
    assert TOTPDevice.objects.filter(user=device.user).count() == 1


def test_enrolment_needs_a_signed_in_staff_member(db):
    r = Client().get("/admin/totp/")
    assert r.status_code == 302 and r["Location"].startswith("/admin/login/")
