"""TOTP enrolment when staff must use an authenticator: only through a one-time link a superuser issues."""

from __future__ import annotations

import hashlib
import re
from base64 import b32encode
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from loopin.accounts.models import User
from loopin.audit.models import AuditEntry
from loopin.staff.models import TotpEnrolmentLink

PHONE = "+919999999999"
PASSWORD = "a-long-admin-password"
INVALID = "This enrolment link is not valid: it was used, it expired, or a newer one was issued."


@pytest.fixture
def staff(db):
    return User.objects.create_user(phone_number=PHONE, password=PASSWORD, is_staff=True)


@pytest.fixture(autouse=True)
def totp_required(app_settings):
    app_settings.STAFF_TOTP_REQUIRED = True


def _issue(phone: str = PHONE) -> str:
    out = StringIO()
    call_command("staff_totp_link", phone, stdout=out)
    return re.search(r"/django(/admin/totp/link/[^/\s]+/)", out.getvalue()).group(1)


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{(TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token() + offset) % 10**6:06d}"


def _claim(client: Client, path: str) -> TOTPDevice:
    r = client.post(path, {"password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == path
    return TOTPDevice.objects.get(user__phone_number=PHONE, confirmed=False)


def test_the_command_prints_a_link_and_stores_only_its_hash(staff):
    out = StringIO()
    call_command("staff_totp_link", "+91 99999 99999", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "One-time enrolment link (valid 60 min, single use):"
    token = lines[1].rsplit("/", 2)[1]
    assert lines[1].endswith(f"/django/admin/totp/link/{token}/") and len(token) == 43
    link = TotpEnrolmentLink.objects.get(user=staff)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(TotpEnrolmentLink.objects.filter(user=staff).values().get())
    assert timedelta(minutes=59) < link.expires_at - timezone.now() <= timedelta(minutes=60)
    assert AuditEntry.objects.filter(action="staff.totp_link_issued", subject=staff, actor=None).count() == 1


def test_the_command_refuses_an_account_with_an_authenticator_or_not_staff(staff, db):
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    with pytest.raises(CommandError, match="already has an authenticator"):
        call_command("staff_totp_link", PHONE, stdout=StringIO())
    User.objects.create_user(phone_number="+919999999998", password=PASSWORD)
    with pytest.raises(CommandError, match="only for active staff accounts"):
        call_command("staff_totp_link", "+919999999998", stdout=StringIO())
    assert TotpEnrolmentLink.objects.count() == 0


def test_the_link_asks_for_the_password_before_showing_any_secret(staff):
    path = _issue()
    client = Client()
    html = client.get(path).content.decode()
    assert "Setting up the authenticator app for the staff account" in html
    assert 'class="segno"' not in html and 'id="totp-secret"' not in html
    r = client.post(path, {"password": "not-the-password"})
    assert "That password is not right." in r.content.decode()
    assert 'id="totp-secret"' not in r.content.decode()
    assert TOTPDevice.objects.filter(user=staff).count() == 0
    assert TotpEnrolmentLink.objects.get(user=staff).claimed_at is None


def test_password_then_code_on_the_link_enrol_and_open_the_admin(staff):
    path = _issue()
    client = Client()
    device = _claim(client, path)
    html = client.get(path).content.decode()
    assert 'class="segno"' in html and b32encode(device.bin_key).decode() in html
    r = client.post(path, {"otp_token": _code(device)})
    assert r.status_code == 302 and r["Location"] == "/admin/"
    assert TOTPDevice.objects.get(id=device.id).confirmed is True
    r = client.get("/admin/")
    assert r.status_code == 200
    assert r.wsgi_request.user == staff and r.wsgi_request.user.is_verified()
    assert TotpEnrolmentLink.objects.get(user=staff).used_at is not None
    assert AuditEntry.objects.get(action="staff.totp_enrolled").data == {"via": "link"}
    assert AuditEntry.objects.filter(action="staff.totp_link_claimed", actor=staff).count() == 1


def test_a_used_link_does_not_work_again(staff):
    path = _issue()
    client = Client()
    device = _claim(client, path)
    client.post(path, {"otp_token": _code(device)})
    r = Client().get(path)
    assert r.status_code == 410 and INVALID in r.content.decode()
    assert client.get(path).status_code == 410


def test_a_link_claimed_in_one_session_is_refused_to_any_other(staff):
    path = _issue()
    _claim(Client(), path)
    other = Client()
    assert other.get(path).status_code == 410
    r = other.post(path, {"password": PASSWORD})
    assert r.status_code == 410 and 'id="totp-secret"' not in r.content.decode()


def test_an_expired_or_replaced_link_is_refused(staff):
    first = _issue()
    second = _issue()
    assert Client().get(first).status_code == 410
    assert Client().get(second).status_code == 200
    TotpEnrolmentLink.objects.filter(user=staff).update(expires_at=timezone.now())
    assert Client().get(second).status_code == 410
    assert Client().get("/admin/totp/link/not-a-token/").status_code == 410


def test_a_wrong_code_on_the_link_says_what_happened_and_when_to_retry(staff):
    path = _issue()
    client = Client()
    device = _claim(client, path)
    html = client.post(path, {"otp_token": _code(device, offset=1)}).content.decode()
    assert "That authenticator code is not right. 1 wrong in a row: try again after " in html
    assert TOTPDevice.objects.get(id=device.id).confirmed is False
    assert client.get("/admin/").status_code == 302


def test_wrong_passwords_on_the_link_lock_it_out_like_sign_in(staff):
    path = _issue()
    client = Client()
    for _ in range(5):
        html = client.post(path, {"password": "not-the-password"}).content.decode()
    assert "Sign-in is locked for this account after too many failed attempts. Try again after " in html
    html = client.post(path, {"password": PASSWORD}).content.decode()
    assert "Sign-in is locked for this account" in html and 'id="totp-secret"' not in html


def test_a_superuser_issues_a_link_from_the_user_list(staff):
    boss = User.objects.create_user(phone_number="+919999999997", password=PASSWORD, is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=boss, name="phone", confirmed=True)
    client = Client()
    client.force_login(boss)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=boss).persistent_id
    session.save()
    r = client.post(
        "/admin/accounts/user/", {"action": "issue_totp_link", "_selected_action": [str(staff.pk)]}, follow=True
    )
    html = r.content.decode()
    assert "one-time enrolment link, valid 60 min (send it privately): http://testserver/admin/totp/link/" in html
    link = TotpEnrolmentLink.objects.get(user=staff)
    assert link.issued_by == boss
    assert AuditEntry.objects.filter(action="staff.totp_link_issued", actor=boss, subject=staff).count() == 1


def test_staff_who_are_not_superusers_cannot_issue_links(staff):
    helper = User.objects.create_user(phone_number="+919999999996", password=PASSWORD, is_staff=True)
    helper.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    TOTPDevice.objects.create(user=helper, name="phone", confirmed=True)
    client = Client()
    client.force_login(helper)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=helper).persistent_id
    session.save()
    r = client.get("/admin/accounts/user/")
    assert r.status_code == 200 and "issue_totp_link" not in r.content.decode()
    client.post("/admin/accounts/user/", {"action": "issue_totp_link", "_selected_action": [str(staff.pk)]})
    assert TotpEnrolmentLink.objects.count() == 0
