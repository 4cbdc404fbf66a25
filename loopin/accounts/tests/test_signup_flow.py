"""The contract's sign-up and login flows, over HTTP, exactly as the mobile client runs them."""

from __future__ import annotations

from loopin.accounts.models import PhoneLead, User
from loopin.audit.models import AuditEntry
from loopin.testing.fixtures import auth, last_code, sent_codes

PHONE = "+916205829376"


def test_contract_signup_flow_end_to_end(api):
    r = api.post("/api/v2/auth/signup", json={"phone_number": PHONE})
    assert r.status_code == 200
    assert r.json() == {
        "success": True,
        "message": "OTP sent successfully",
        "data": {"phone_number": PHONE, "user_status": "new", "otp_sent": True},
    }
    code = last_code(PHONE)
    assert len(code) == 4

    r = api.post("/api/v2/auth/verify-otp", json={"phone_number": PHONE, "otp_code": code})
    assert r.status_code == 200
    body = r.json()
    user = User.objects.get(phone_number=PHONE)
    assert body["success"] is True
    assert body["data"] == {
        "user_id": str(user.id),
        "phone_number": PHONE,
        "needs_profile_completion": True,
        "is_verified": True,
    }
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert len(body["refresh_token"]) >= 22
    headers = auth(body)

    r = api.get("/api/v2/auth/event-interests")
    assert r.status_code == 200
    interests = r.json()["data"]
    assert [i["name"] for i in interests][:3] == ["Music & Concerts", "Sports & Fitness", "Food & Dining"]
    assert len(interests) == 10
    ids = [i["id"] for i in interests[:3]]

    r = api.post(
        "/api/v2/auth/complete-profile",
        headers=headers,
        json={
            "phone_number": PHONE,
            "name": "Gaurav Kumar",
            "birth_date": "1995-01-01",
            "gender": "male",
            "event_interests": ids,
            "profile_pictures": ["https://example.com/pic1.jpg", "https://example.com/pic2.jpg"],
        },
    )
    assert r.status_code == 200, r.text
    profile = r.json()["data"]
    assert profile["name"] == "Gaurav Kumar"
    assert profile["profile_complete"] is True
    assert profile["needs_profile_completion"] is False
    assert [i["id"] for i in profile["event_interests"]] == ids
    assert profile["profile_pictures"] == ["https://example.com/pic1.jpg", "https://example.com/pic2.jpg"]

    r = api.get("/api/v2/auth/profile", headers=headers)
    assert r.status_code == 200
    assert r.json()["data"] == profile

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"otp.sent", "otp.verified", "user.created", "auth.login", "profile.completed"} <= actions
    lead = PhoneLead.objects.get(phone_number=PHONE)
    assert lead.user_id == user.id and lead.verified_at is not None


def test_signup_normalises_local_numbers_to_e164(api):
    r = api.post("/api/v2/auth/signup", json={"phone_number": "062058 29376"})
    assert r.status_code == 200
    assert r.json()["data"]["phone_number"] == PHONE
    r = api.post("/api/v2/auth/verify-otp", json={"phone_number": "(620) 582-9376", "otp_code": last_code(PHONE)})
    assert r.status_code == 200
    assert r.json()["data"]["phone_number"] == PHONE


def test_signup_for_a_registered_number_says_existing(api):
    User.objects.create_user(phone_number=PHONE, is_verified=True)
    r = api.post("/api/v2/auth/signup", json={"phone_number": PHONE})
    assert r.status_code == 200
    assert r.json()["data"]["user_status"] == "existing"


def test_login_flow_for_an_existing_user(api):
    user = User.objects.create_user(phone_number=PHONE, is_verified=True, name="Asha Rao")
    r = api.post("/api/v2/auth/login", json={"phone_number": PHONE})
    assert r.status_code == 200
    assert r.json()["data"] == {"phone_number": PHONE, "otp_sent": True}
    r = api.post("/api/v2/auth/verify-login", json={"phone_number": PHONE, "otp_code": last_code(PHONE)})
    assert r.status_code == 200
    body = r.json()
    assert body["message"] == "Login successful"
    assert body["data"] == {
        "user_id": str(user.id),
        "phone_number": PHONE,
        "name": "Asha Rao",
        "is_verified": True,
        "needs_profile_completion": True,
    }
    assert api.get("/api/v2/auth/profile", headers=auth(body)).status_code == 200


def test_login_with_an_unknown_number_says_sign_up_first(api):
    r = api.post("/api/v2/auth/login", json={"phone_number": PHONE})
    assert r.status_code == 404
    body = r.json()
    assert body["error_code"] == "USER_NOT_FOUND"
    assert "sign up first" in body["error"]
    assert sent_codes(PHONE) == []


def test_verify_login_for_a_number_without_an_account_is_404_and_keeps_the_code(api):
    api.post("/api/v2/auth/signup", json={"phone_number": PHONE})
    r = api.post("/api/v2/auth/verify-login", json={"phone_number": PHONE, "otp_code": last_code(PHONE)})
    assert r.status_code == 404 and r.json()["error_code"] == "USER_NOT_FOUND"
    r = api.post("/api/v2/auth/verify-otp", json={"phone_number": PHONE, "otp_code": last_code(PHONE)})
    assert r.status_code == 200


def test_invalid_phone_numbers_are_422(api):
    for bad in ["12345", "+1 555", "not a phone", "", "+91 00000 00000"]:
        r = api.post("/api/v2/auth/signup", json={"phone_number": bad})
        assert r.status_code == 422, bad
        body = r.json()
        assert body["error_code"] == "VALIDATION_ERROR"
        assert body["details"]["fields"][0]["field"] == "phone_number"
        assert body["details"]["fields"][0]["code"] == "INVALID_PHONE"


def test_verify_with_a_malformed_code_is_422(api):
    for bad in ["12", "12345", "abcd", "12 4"]:
        r = api.post("/api/v2/auth/verify-otp", json={"phone_number": PHONE, "otp_code": bad})
        assert r.status_code == 422
        assert r.json()["details"]["fields"][0] == {
            "field": "otp_code",
            "code": "INVALID_OTP_FORMAT",
            "message": "The code is exactly 4 digits.",
        }
