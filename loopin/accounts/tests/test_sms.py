"""SMS through Twilio, faked at its HTTP boundary: success, failures in the request, retries in a worker."""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs

import pytest
from twilio.http import HttpClient
from twilio.http.response import Response

from loopin.accounts import tasks
from loopin.accounts.models import OtpCode, PhoneLead, SendStatus
from loopin.accounts.sms import TwilioSmsBackend, use_sms_backend

PHONE = "+916205829376"


class FakeTwilioHttp(HttpClient):
    """Answers Twilio's REST calls with canned responses and records what was asked."""

    def __init__(self, statuses: list[int]) -> None:
        super().__init__(logger=logging.getLogger("test.twilio"), is_async=False)
        self.statuses = list(statuses)
        self.requests: list[dict] = []

    def request(
        self, method, uri, params=None, data=None, headers=None, auth=None, timeout=None, allow_redirects=False
    ):
        self.requests.append({"method": method, "uri": uri, "data": dict(data or {}), "auth": auth})
        status = self.statuses.pop(0) if self.statuses else 201
        if status >= 400:
            return Response(
                status, json.dumps({"code": 30008 if status >= 500 else 21211, "message": "failure", "status": status})
            )
        return Response(
            status,
            json.dumps(
                {"sid": f"SM{len(self.requests):032d}", "status": "queued", "to": data["To"], "body": data["Body"]}
            ),
        )


@pytest.fixture
def twilio(app_settings):
    app_settings.TWILIO_ACCOUNT_SID = "AC" + "0" * 32
    app_settings.TWILIO_AUTH_TOKEN = "token-from-the-environment"
    app_settings.TWILIO_FROM_NUMBER = "+15005550006"

    def install(statuses):
        fake = FakeTwilioHttp(statuses)
        use_sms_backend(TwilioSmsBackend(http_client=fake))
        return fake

    return install


def test_twilio_receives_the_code(api, twilio):
    fake = twilio([201])
    r = api.post("/api/v2/auth/signup", json={"phone_number": PHONE})
    assert r.status_code == 200
    [request] = fake.requests
    assert request["method"] == "POST"
    assert request["uri"].endswith(f"/Accounts/AC{'0' * 32}/Messages.json")
    assert request["data"]["To"] == PHONE
    assert request["data"]["From"] == "+15005550006"
    otp = OtpCode.objects.get()
    assert otp.send_status == SendStatus.SENT
    assert otp.provider_message_id == "SM" + "1".zfill(32)
    code = request["data"]["Body"].split("code is ")[1][:4]
    assert api.post("/api/v2/auth/verify-otp", json={"phone_number": PHONE, "otp_code": code}).status_code == 200


def test_provider_failure_in_the_request_is_503_and_costs_no_cooldown(api, twilio, app_settings):
    app_settings.SMS_SEND_SYNC = True
    fake = twilio([500, 201])
    r = api.post("/api/v2/auth/signup", json={"phone_number": PHONE})
    assert r.status_code == 503
    assert r.json()["error_code"] == "SMS_UNAVAILABLE"
    otp = OtpCode.objects.get()
    assert otp.send_status == SendStatus.FAILED and otp.voided_at is not None
    lead = PhoneLead.objects.get()
    assert lead.last_send_status == SendStatus.FAILED
    # Straight away, without waiting for the cooldown, the user can ask again and it goes through.
    r = api.post("/api/v2/auth/signup", json={"phone_number": PHONE})
    assert r.status_code == 200
    assert len(fake.requests) == 2
    assert PhoneLead.objects.get().last_send_status == SendStatus.SENT


def test_with_a_worker_failed_sends_retry_and_the_outcome_is_recorded(api, twilio, app_settings):
    app_settings.SMS_SEND_SYNC = False
    app_settings.SMS_MAX_RETRIES = 2
    fake = twilio([503, 503, 201])
    r = api.post("/api/v2/auth/signup", json={"phone_number": PHONE})
    assert r.status_code == 200  # the request does not wait for the provider
    assert len(fake.requests) == 3
    assert OtpCode.objects.get().send_status == SendStatus.SENT
    assert PhoneLead.objects.get().last_send_status == SendStatus.SENT


def test_with_a_worker_the_final_failure_is_recorded_on_the_lead(api, twilio, app_settings):
    app_settings.SMS_SEND_SYNC = False
    app_settings.SMS_MAX_RETRIES = 2
    fake = twilio([503, 503, 503])
    r = api.post("/api/v2/auth/signup", json={"phone_number": PHONE})
    assert r.status_code == 200
    assert len(fake.requests) == 3
    lead = PhoneLead.objects.get()
    assert lead.last_send_status == SendStatus.FAILED
    assert "HTTP 503" in lead.last_send_error
    assert OtpCode.objects.get().send_status == SendStatus.FAILED


def test_a_rejected_number_is_not_retried(api, twilio, app_settings):
    app_settings.SMS_SEND_SYNC = False
    fake = twilio([400])
    api.post("/api/v2/auth/signup", json={"phone_number": PHONE})
    assert len(fake.requests) == 1
    assert PhoneLead.objects.get().last_send_status == SendStatus.FAILED


def test_the_broker_never_sees_the_code_in_clear(api, twilio, app_settings):

    app_settings.SMS_SEND_SYNC = False
    fake = twilio([201])
    sent = []
    original = tasks.send_otp_sms.apply_async

    def recording_apply_async(args=None, kwargs=None, **options):
        sent.append(args)
        return original(args=args, kwargs=kwargs, **options)

    tasks.send_otp_sms.apply_async = recording_apply_async
    try:
        api.post("/api/v2/auth/signup", json={"phone_number": PHONE})
    finally:
        tasks.send_otp_sms.apply_async = original
    code = parse_qs(f"b={fake.requests[0]['data']['Body']}")["b"][0].split("code is ")[1][:4]
    [args] = sent
    assert code not in json.dumps(args) and PHONE not in json.dumps(args)
