"""Wrong-code budgets: a slow-down, never a lock.

Two leaky buckets (GCRA) per phone, kept in the database and changed only under the phone's lead row
lock (so concurrent guesses cannot overspend them):

- the phone's, across every network: OTP_FAILURE_BURST wrong codes at once, then one more every
  `otp_failure_interval_seconds`, so any 24 h holds at most OTP_MAX_FAILURES_PER_DAY wrong codes;
- the phone's from one client IP: OTP_FAILURE_BURST_PER_IP at once, refilled at the same pace. It is
  smaller than the phone's burst, so one network alone can never empty the phone's bucket, and a guesser
  spends only its own.

While a bucket is empty no code is checked (a right one included: that is what bounds guessing) and the
answer is 429 with `retry_after`. Only wrong codes are charged; a right code costs nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from loopin.accounts.error_codes import AccountErrorCode
from loopin.accounts.models import OtpGuessBucket, PhoneLead
from loopin.accounts.otp import ip_digest
from loopin.core.errors import RateLimited
from loopin.core.settings import get_settings

PHONE = ""  # the phone-wide bucket's ip_digest


@dataclass(frozen=True)
class Gcra:
    burst: int
    interval: timedelta

    def wait(self, tat: datetime | None, now: datetime) -> float:
        """Seconds until one more wrong code may be checked (0: now)."""
        if tat is None:
            return 0.0
        return max(0.0, ((tat - now) - (self.burst - 1) * self.interval).total_seconds())

    def charged(self, tat: datetime | None, now: datetime) -> datetime:
        return max(tat or now, now) + self.interval


def _policies() -> tuple[Gcra, Gcra]:
    s = get_settings()
    interval = timedelta(seconds=s.otp_failure_interval_seconds)
    return Gcra(s.OTP_FAILURE_BURST, interval), Gcra(s.OTP_FAILURE_BURST_PER_IP, interval)


def _tats(lead: PhoneLead, digest: str) -> dict[str, datetime]:
    rows = OtpGuessBucket.objects.filter(lead=lead, ip_digest__in={PHONE, digest})
    return {row.ip_digest: row.tat for row in rows}


def guess_budget_check(lead: PhoneLead, *, ip: str | None, now: datetime) -> None:
    """Raise 429 when this network's or the phone's wrong-code bucket is empty (lead locked)."""
    phone, here = _policies()
    digest = ip_digest(ip)
    tats = _tats(lead, digest)
    wait_here = here.wait(tats.get(digest), now) if digest else 0.0
    if wait_here > 0:
        raise RateLimited(
            "Too many wrong codes for this number from this network. Try again later, or sign in on another network.",
            code=AccountErrorCode.OTP_GUESSES_FROM_HERE,
            scope="otp_guesses_phone_ip",
            retry_after=math.ceil(wait_here),
        )
    wait_phone = phone.wait(tats.get(PHONE), now)
    if wait_phone > 0:
        raise RateLimited(
            "Too many wrong codes for this number lately, so codes are checked more slowly for a while. "
            "Try again later.",
            code=AccountErrorCode.OTP_GUESSES_SLOWED,
            scope="otp_guesses_phone",
            retry_after=math.ceil(wait_phone),
        )


def guess_budget_charge(lead: PhoneLead, *, ip: str | None, now: datetime) -> None:
    """One wrong code: spend from the phone's bucket and from this network's (lead locked)."""
    phone, here = _policies()
    digest = ip_digest(ip)
    tats = _tats(lead, digest)
    charges = [(PHONE, phone)] + ([(digest, here)] if digest else [])
    for key, policy in charges:
        OtpGuessBucket.objects.update_or_create(
            lead=lead, ip_digest=key, defaults={"tat": policy.charged(tats.get(key), now)}
        )
