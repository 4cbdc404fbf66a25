"""Races with real threads: one code, many verifiers. On PostgreSQL (row locks) and SQLite (one writer)."""

from __future__ import annotations

from collections import Counter

from loopin.accounts.models import AuthSession, OtpCode, PhoneLead, User
from loopin.accounts.services import otp_request, otp_verify, session_refresh, session_start
from loopin.testing.concurrency import outcomes as race
from loopin.testing.concurrency import run_at_once
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import last_code

PHONE = "+916205829376"


def test_concurrent_verifications_of_one_code_succeed_exactly_once(transactional_db):
    otp_request(phone_number=PHONE, purpose="signup")
    code = last_code(PHONE)
    threads = 8
    results = race([lambda: otp_verify(phone_number=PHONE, code=code, purpose="signup")] * threads)
    assert results == Counter({"OTP_NOT_FOUND": threads - 1, "ok": 1})
    assert User.objects.filter(phone_number=PHONE).count() == 1
    assert AuthSession.objects.count() == 1


def test_concurrent_signups_for_one_new_number_make_one_lead(transactional_db):

    results = race([lambda: otp_request(phone_number=PHONE, purpose="signup")] * 4)
    assert results == Counter({"RATE_LIMITED": 3, "ok": 1})  # the cooldown holds under a race too
    assert PhoneLead.objects.count() == 1
    assert OtpCode.objects.count() == 1


def test_concurrent_refreshes_of_one_token_all_get_the_same_new_pair(transactional_db):

    start = session_start(user=UserWithProfileFactory())
    results = run_at_once([lambda: session_refresh(refresh_token=start.refresh_token)] * 6)
    assert all(not isinstance(r, Exception) for r in results), results
    assert len({r.refresh_token for r in results}) == 1
    assert AuthSession.objects.get().revoked_at is None
