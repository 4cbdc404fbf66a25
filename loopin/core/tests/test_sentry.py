"""Sentry is optional and never receives phone numbers, codes or tokens."""

from __future__ import annotations

from loopin.core.sentry import FILTERED, scrub, sentry_options


def test_no_dsn_means_no_sentry(app_settings):
    app_settings.SENTRY_DSN = ""
    assert sentry_options() is None


def test_dsn_turns_it_on_without_personal_data(app_settings):
    app_settings.SENTRY_DSN = "https://public@sentry.example.invalid/1"
    options = sentry_options()
    assert options["send_default_pii"] is False
    assert options["max_request_body_size"] == "never"
    assert options["before_send"] is scrub


def test_scrub_removes_phones_codes_and_tokens_everywhere():
    event = {
        "event_id": "abc123",
        "message": "SMS to +91 62058 29376 failed: Your Loopin code is 1097",
        "request": {
            "headers": {"Authorization": "Bearer eyJ.x.y", "User-Agent": "Dart/3.0"},
            "data": {"phone_number": "+916205829376", "otp_code": "1097"},
        },
        "exception": {
            "values": [
                {
                    "value": "lead +916205829376 locked",
                    "stacktrace": {"frames": [{"function": "otp_verify", "vars": {"phone": "'+916205829376'"}}]},
                }
            ]
        },
        "extra": {"refresh_token": "abcdef", "attempts": 3},
    }
    out = scrub(event)
    assert out["event_id"] == "abc123"
    assert out["message"] == f"SMS to {FILTERED} failed: Your Loopin code is {FILTERED}"
    assert out["request"]["headers"] == {"Authorization": FILTERED, "User-Agent": "Dart/3.0"}
    assert out["request"]["data"] == {"phone_number": FILTERED, "otp_code": FILTERED}
    assert out["exception"]["values"][0]["value"] == f"lead {FILTERED} locked"
    assert out["exception"]["values"][0]["stacktrace"]["frames"][0]["vars"] == {"phone": FILTERED}
    assert out["extra"] == {"refresh_token": FILTERED, "attempts": 3}
    assert "6205829376" not in repr(out)
