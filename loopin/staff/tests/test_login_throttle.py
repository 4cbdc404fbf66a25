"""Admin sign-in lock-out: per account and per client IP, a doubling wait, audited, and said plainly."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from loopin.accounts.models import User
from loopin.audit.models import AuditEntry
from loopin.core.ratelimit import Backoff

PHONE = "+919999999999"
PASSWORD = "a-long-admin-password"
ACCOUNT_LOCKED = "Sign-in is locked for this account after too many failed attempts. Try again after "
IP_LOCKED = "Sign-in is locked for your network address after too many failed attempts. Try again after "


@pytest.fixture
def staff(db):
    return User.objects.create_user(phone_number=PHONE, password=PASSWORD, is_staff=True, is_superuser=True)


def _post(client: Client, *, username: str = PHONE, password: str = PASSWORD, **extra: str):
    return client.post("/admin/login/", {"username": username, "password": password, "next": "/admin/", **extra})


def _signed_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def test_the_wait_doubles_after_the_threshold_and_is_capped():
    policy = Backoff(threshold=5, first_wait=60, max_wait=3600, memory=86400)
    assert [policy.wait_for(n) for n in range(1, 13)] == [0, 0, 0, 0, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert policy.wait_for(10_000) == 3600


def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(staff):
    client = Client()
    for _ in range(4):
        r = _post(client, password="wrong-password")
        assert r.status_code == 200
        assert "Sign-in is locked" not in r.content.decode()
    html = _post(client, password="wrong-password").content.decode()
    assert "Please enter the correct phone number and password for a staff account." in html
    assert ACCOUNT_LOCKED in html and "(IST), in 60 s." in html
    html = _post(client).content.decode()  # the right password, not even checked
    assert ACCOUNT_LOCKED in html and ("(IST), in 60 s." in html or "(IST), in 59 s." in html)
    assert not _signed_in(client)
    entry = AuditEntry.objects.get(action="staff.login_locked")
    assert entry.data == {"scope": "account", "failures": 5, "wait_seconds": 60, "reason": "password"}
    assert entry.subject == staff and entry.ip == "127.0.0.1"


def test_an_account_lock_holds_from_every_address(staff):
    for _ in range(5):
        _post(Client(REMOTE_ADDR="198.51.100.1"), password="wrong-password")
    client = Client(REMOTE_ADDR="198.51.100.2")
    assert ACCOUNT_LOCKED in _post(client).content.decode()
    assert not _signed_in(client)


def test_the_account_lock_counts_however_the_number_is_written(staff):
    for username in ("+91 99999 99999", "9999999999", "+91-9999-999999", "(999) 999 9999", PHONE):
        r = _post(Client(), username=username, password="wrong-password")
    assert ACCOUNT_LOCKED in r.content.decode()


def test_ten_failures_from_one_address_lock_that_address_for_every_account(staff):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(10):
        r = _post(attacker, username=f"+9198765432{n:02d}", password="guess")
    assert IP_LOCKED in r.content.decode() and "(IST), in 60 s." in r.content.decode()
    assert IP_LOCKED in _post(attacker).content.decode()  # the staff member's right password, from there
    assert not _signed_in(attacker)
    entry = AuditEntry.objects.get(action="staff.login_locked")
    assert entry.data == {"scope": "ip", "failures": 10, "wait_seconds": 60, "reason": "password"}
    assert entry.ip == "203.0.113.7"
    elsewhere = Client(REMOTE_ADDR="203.0.113.8")
    assert _post(elsewhere).status_code == 302
    assert _signed_in(elsewhere)


def test_a_successful_sign_in_forgets_the_accounts_failures(staff):
    for _ in range(4):
        _post(Client(REMOTE_ADDR="198.51.100.1"), password="wrong-password")
    assert _post(Client(REMOTE_ADDR="198.51.100.1")).status_code == 302
    for _ in range(4):
        r = _post(Client(REMOTE_ADDR="198.51.100.1"), password="wrong-password")
    assert "Sign-in is locked" not in r.content.decode()
    assert AuditEntry.objects.filter(action="staff.login_locked").count() == 0


def test_each_failure_after_a_lock_doubles_the_wait_up_to_the_cap(staff, app_settings):
    app_settings.STAFF_LOGIN_ACCOUNT_FAILURES = 1
    app_settings.STAFF_LOGIN_LOCK_SECONDS = 1
    app_settings.STAFF_LOGIN_LOCK_MAX_SECONDS = 2
    client = Client()
    waits = []
    for pause in (1.1, 2.1, 0):
        html = _post(client, password="wrong-password").content.decode()
        waits.append(html.split("(IST), in ")[1].split(" s.")[0])
        time.sleep(pause)
    assert waits == ["1", "2", "2"]
    assert [
        e.data["wait_seconds"] for e in AuditEntry.objects.filter(action="staff.login_locked").order_by("created_at")
    ] == [
        1,
        2,
        2,
    ]


def test_wrong_authenticator_codes_count_towards_the_lock(staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    wrong = f"{(code + 1) % 1_000_000:06d}"
    client = Client()
    for _ in range(4):
        html = _post(client, otp_token=wrong).content.decode()
        assert "Sign-in is locked" not in html
    html = _post(client, otp_token=wrong).content.decode()
    # django-otp's own doubling wait answers too (the code was not even checked while it runs)
    assert "That code was not checked: too many wrong codes in a row." in html or "code is not right." in html
    assert ACCOUNT_LOCKED in html
    assert AuditEntry.objects.get(action="staff.login_locked").data["reason"] == "totp"
    assert ACCOUNT_LOCKED in _post(client, otp_token=f"{code:06d}").content.decode()
    assert not _signed_in(client)
