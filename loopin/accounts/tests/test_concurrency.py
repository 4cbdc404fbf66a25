"""Races with real threads: one code, many verifiers. On PostgreSQL (row locks) and SQLite (one writer)."""

from __future__ import annotations

import threading

from django.db import connections

from loopin.accounts.models import AuthSession, User
from loopin.accounts.services import otp_request, otp_verify
from loopin.core.errors import LoopinError
from loopin.testing.fixtures import last_code

PHONE = "+916205829376"


def test_concurrent_verifications_of_one_code_succeed_exactly_once(transactional_db):
    otp_request(phone_number=PHONE, purpose="signup")
    code = last_code(PHONE)
    threads = 8
    barrier = threading.Barrier(threads)
    results: list[str] = []
    lock = threading.Lock()

    def verify():
        try:
            barrier.wait()
            otp_verify(phone_number=PHONE, code=code, purpose="signup")
            outcome = "ok"
        except LoopinError as exc:
            outcome = exc.code
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    workers = [threading.Thread(target=verify) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(results) == ["OTP_NOT_FOUND"] * (threads - 1) + ["ok"]
    assert User.objects.filter(phone_number=PHONE).count() == 1
    assert AuthSession.objects.count() == 1


def test_concurrent_signups_for_one_new_number_make_one_lead(transactional_db):
    from loopin.accounts.models import OtpCode, PhoneLead

    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def request():
        try:
            barrier.wait()
            otp_request(phone_number=PHONE, purpose="signup")
            outcomes.append("ok")
        except LoopinError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=request) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(outcomes) == ["RATE_LIMITED"] * 3 + ["ok"]  # the cooldown holds under a race too
    assert PhoneLead.objects.count() == 1
    assert OtpCode.objects.count() == 1
