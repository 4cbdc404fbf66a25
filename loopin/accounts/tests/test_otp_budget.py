"""Wrong-code budgets: per (phone, IP) and per phone, a slow-down with `retry_after`, never a lock.

Over HTTP in both dialects (`/api/auth/*`, the app's, and `/api/v2/auth/*`), which share the service.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import F
from starlette.testclient import TestClient

from loopin.accounts.models import OtpCode, OtpGuessBucket
from loopin.accounts.services import otp_request, otp_verify
from loopin.accounts.services.otp_budget import Gcra
from loopin.core.settings import Settings
from loopin.testing.concurrency import outcomes
from loopin.testing.fixtures import last_code

PHONE = "+916205829376"
VICTIM_IP, ATTACKER_IP = "198.51.100.10", "203.0.113.7"
DIALECTS = ["/api/auth", "/api/v2/auth"]
FOUR_HOURS = 14400


def _from(api: TestClient, ip: str) -> TestClient:
    """A client at this address, on the `api` fixture's app."""
    return TestClient(api.app, raise_server_exceptions=False, client=(ip, 50000))


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10000:04d}"


def _new_code(api: TestClient, prefix: str, ip: str = VICTIM_IP) -> str:
    for otp in OtpCode.objects.filter(lead__phone_number=PHONE):  # past the resend cooldown
        OtpCode.objects.filter(id=otp.id).update(created_at=otp.created_at - timedelta(seconds=61))
    r = _from(api, ip).post(f"{prefix}/signup", json={"phone_number": PHONE})
    assert r.status_code == 200, r.text
    return last_code(PHONE)


def _verify(api: TestClient, prefix: str, ip: str, code: str):
    return _from(api, ip).post(f"{prefix}/verify-otp", json={"phone_number": PHONE, "otp_code": code})


def _refused(r, error_code: str, scope: str) -> int:
    body = r.json()
    assert (r.status_code, body["error_code"], body["details"]["scope"]) == (429, error_code, scope)
    assert int(r.headers["Retry-After"]) == body["details"]["retry_after"]
    return body["details"]["retry_after"]


def _time_passes(seconds: int) -> None:
    """As if `seconds` had passed for the buckets (their state is one timestamp each)."""
    OtpGuessBucket.objects.update(tat=F("tat") - timedelta(seconds=seconds))


def test_the_default_budget_is_four_at_once_then_one_every_four_hours():
    s = Settings(_env_file=None)
    assert (s.OTP_LENGTH, s.OTP_MAX_FAILURES_PER_DAY, s.OTP_FAILURE_BURST, s.OTP_FAILURE_BURST_PER_IP) == (4, 10, 4, 3)
    assert s.otp_failure_interval_seconds == FOUR_HOURS


def test_no_24_hours_ever_hold_more_than_ten_wrong_codes_for_a_phone():
    """A guesser who spends every token the moment it exists, over three days, minute by minute."""
    bucket = Gcra(burst=4, interval=timedelta(seconds=FOUR_HOURS))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    tat, spent = None, []
    for second in range(0, 3 * 86400, 60):
        now = start + timedelta(seconds=second)
        while bucket.wait(tat, now) == 0:
            tat = bucket.charged(tat, now)
            spent.append(second)
    windows = [sum(1 for t in spent if s <= t <= s + 86400) for s in spent]
    assert max(windows) == 10
    assert spent[:6] == [0, 0, 0, 0, FOUR_HOURS, 2 * FOUR_HOURS]
    assert len(spent) == 4 + 3 * 86400 // FOUR_HOURS - 1  # the last token falls due at 72 h, just outside


@pytest.mark.parametrize("prefix", DIALECTS)
def test_an_attackers_network_spends_only_its_own_budget(api, prefix):
    code = _new_code(api, prefix)
    answers = [_verify(api, prefix, ATTACKER_IP, _wrong(code)) for _ in range(3)]
    assert [(r.status_code, r.json()["error_code"]) for r in answers] == [
        (400, "OTP_INVALID"),
        (400, "OTP_INVALID"),
        (400, "OTP_LOCKED"),  # three wrong tries void that code, as before
    ]
    code = _new_code(api, prefix)
    wait = _refused(_verify(api, prefix, ATTACKER_IP, code), "OTP_GUESSES_FROM_HERE", "otp_guesses_phone_ip")
    assert FOUR_HOURS - 2 <= wait <= FOUR_HOURS  # even the right code is not checked from there
    r = _verify(api, prefix, VICTIM_IP, code)  # the owner, on their own network, with one token of the phone's left
    assert r.status_code == 200 and r.json()["token"]


@pytest.mark.parametrize("prefix", DIALECTS)
def test_four_wrong_codes_from_anywhere_slow_the_phone_down_for_four_hours_not_a_day(api, prefix):
    code = _new_code(api, prefix)
    for ip in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        assert _verify(api, prefix, ip, _wrong(code)).status_code == 400
    code = _new_code(api, prefix)
    assert _verify(api, prefix, "203.0.113.4", _wrong(code)).json()["error_code"] == "OTP_INVALID"
    wait = _refused(_verify(api, prefix, VICTIM_IP, code), "OTP_GUESSES_SLOWED", "otp_guesses_phone")
    assert FOUR_HOURS - 2 <= wait <= FOUR_HOURS
    _time_passes(FOUR_HOURS - 10)
    assert 1 <= _refused(_verify(api, prefix, VICTIM_IP, code), "OTP_GUESSES_SLOWED", "otp_guesses_phone") <= 10
    _time_passes(10)
    r = _verify(api, prefix, VICTIM_IP, code)
    assert r.status_code == 200 and r.json()["token"]


@pytest.mark.parametrize("prefix", DIALECTS)
def test_after_the_burst_each_four_hours_allow_exactly_one_more_wrong_code(api, prefix):
    code = _new_code(api, prefix)
    for ip in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        _verify(api, prefix, ip, _wrong(code))
    code = _new_code(api, prefix)
    assert _verify(api, prefix, "203.0.113.4", _wrong(code)).status_code == 400
    _time_passes(FOUR_HOURS)
    assert _verify(api, prefix, "203.0.113.5", _wrong(code)).json()["error_code"] == "OTP_INVALID"
    wait = _refused(_verify(api, prefix, "203.0.113.6", _wrong(code)), "OTP_GUESSES_SLOWED", "otp_guesses_phone")
    assert FOUR_HOURS - 2 <= wait <= FOUR_HOURS


def test_sending_codes_is_not_refused_for_wrong_guesses_only_by_the_send_limits(api):
    code = _new_code(api, "/api/v2/auth")
    for ip in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        _verify(api, "/api/v2/auth", ip, _wrong(code))
    code = _new_code(api, "/api/v2/auth")
    _verify(api, "/api/v2/auth", "203.0.113.4", _wrong(code))
    assert (
        _from(api, VICTIM_IP).post("/api/v2/auth/signup", json={"phone_number": PHONE}).status_code == 429
    )  # cooldown
    assert _new_code(api, "/api/v2/auth") != ""  # after it, a code is sent although guessing is slowed


@pytest.mark.parametrize("prefix", DIALECTS)
def test_a_device_with_a_refresh_token_is_never_blocked(api, prefix):
    signed_in = _verify(api, prefix, VICTIM_IP, _new_code(api, prefix)).json()
    code = _new_code(api, prefix, ip=ATTACKER_IP)
    for ip in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        _verify(api, prefix, ip, _wrong(code))
    code = _new_code(api, prefix, ip=ATTACKER_IP)
    _verify(api, prefix, "203.0.113.4", _wrong(code))
    _refused(_verify(api, prefix, VICTIM_IP, code), "OTP_GUESSES_SLOWED", "otp_guesses_phone")
    r = _from(api, VICTIM_IP).post(f"{prefix}/refresh", json={"refresh_token": signed_in["refresh_token"]})
    assert r.status_code == 200
    assert r.json()["token"] and r.json()["refresh_token"] != signed_in["refresh_token"]
    me = _from(api, VICTIM_IP).get("/api/v2/auth/profile", headers={"Authorization": f"Bearer {r.json()['token']}"})
    assert me.status_code == 200


def test_concurrent_wrong_codes_never_overspend_the_phones_bucket(transactional_db, app_settings):
    app_settings.OTP_MAX_ATTEMPTS = 20  # so the per-code void does not end the race first
    otp_request(phone_number=PHONE, purpose="signup")
    wrong = _wrong(last_code(PHONE))
    calls = [
        (lambda ip=f"203.0.113.{n}": otp_verify(phone_number=PHONE, code=wrong, purpose="signup", ip=ip))
        for n in range(1, 9)
    ]
    assert outcomes(calls) == Counter({"OTP_INVALID": 4, "OTP_GUESSES_SLOWED": 4})
