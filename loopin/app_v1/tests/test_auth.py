"""/api/auth in the app's dialect: integer ids, the token claims the app decodes, errors it can show."""

from __future__ import annotations

import io

import jwt
from PIL import Image

from loopin.accounts.models import User
from loopin.testing.fixtures import PROFILE, auth, interest_ids, last_code


def _verify(api, phone):
    assert api.post("/api/auth/signup", json={"phone_number": phone}).status_code == 200
    return api.post("/api/auth/verify-otp", json={"phone_number": phone, "otp_code": last_code(phone)})


def test_verify_otp_gives_the_app_token_with_its_claims_and_a_30_day_life(api):
    r = _verify(api, "+916205829376")
    body = r.json()
    assert r.status_code == 200
    user = User.objects.get(phone_number="+916205829376")
    claims = jwt.decode(body["token"], options={"verify_signature": False})
    assert claims["user_id"] == user.number and isinstance(claims["user_id"], int)
    assert claims["phone_number"] == "+916205829376"
    assert claims["exp"] - claims["iat"] == 30 * 86400
    assert body["needs_profile_completion"] is True and body["data"]["needs_profile_completion"] is True
    assert body["is_verified"] is True and body["data"]["is_verified"] is True
    assert body["data"]["user_id"] == user.number


def test_the_app_token_is_revoked_at_once_by_logout(api):
    headers = auth(_verify(api, "+916205829377").json())
    assert api.get("/api/auth/profile", headers=headers).status_code == 200
    assert api.post("/api/auth/logout", headers=headers).status_code == 200
    r = api.get("/api/auth/profile", headers=headers)
    assert r.status_code == 401
    assert r.json()["detail"] == r.json()["message"] == r.json()["error"]


def test_profile_after_multipart_completion_has_an_integer_id_and_is_active(api):
    headers = auth(_verify(api, "+916205829378").json())
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 200)).save(buf, format="PNG")
    png = buf.getvalue()
    form = {
        "phone_number": "+916205829378",
        "name": "Gaurav Kumar",
        "birth_date": "1995-01-01",
        "gender": "male",
        "event_interests": str(interest_ids(3)).replace(" ", ""),
    }
    files = [("profile_pictures", ("IMG_2041.png", png, "image/png"))]
    for _ in range(2):  # the app retries: the second completion must succeed too
        r = api.post("/api/auth/complete-profile", data=form, files=files, headers=headers)
        assert r.status_code == 200, r.text
        assert r.json()["success"] is True and "detail" not in r.json()
    profile = api.get("/api/auth/profile", headers=headers).json()["data"]
    user = User.objects.get(phone_number="+916205829378")
    assert profile["id"] == user.number and isinstance(profile["id"], int)
    assert profile["birth_date"] == "1995-01-01"
    assert [i["id"] for i in profile["event_interests"]] == interest_ids(3)
    assert all(isinstance(i["name"], str) for i in profile["event_interests"])
    assert len(profile["profile_pictures"]) == 1 and isinstance(profile["profile_pictures"][0], str)
    assert profile["is_active"] is True and profile["is_verified"] is True


def test_event_interests_have_id_name_description(api):
    data = api.get("/api/auth/event-interests").json()["data"]
    assert data and all(isinstance(i["id"], int) and isinstance(i["name"], str) for i in data)
    assert all("description" in i for i in data)


def test_invalid_input_carries_fastapi_style_detail_list(api):
    r = api.post("/api/auth/signup", json={"phone_number": "12"})
    assert r.status_code == 422
    body = r.json()
    assert body["error_code"] == "VALIDATION_ERROR"
    assert isinstance(body["detail"], list) and isinstance(body["detail"][0]["msg"], str)
    assert isinstance(body["message"], str)


def test_v2_auth_keeps_uuid_ids_and_short_tokens(api):
    phone = "+916205829379"
    api.post("/api/v2/auth/signup", json={"phone_number": phone})
    body = api.post("/api/v2/auth/verify-otp", json={"phone_number": phone, "otp_code": last_code(phone)}).json()
    user = User.objects.get(phone_number=phone)
    assert body["data"]["user_id"] == str(user.id)
    claims = jwt.decode(body["token"], options={"verify_signature": False})
    assert "user_id" not in claims and claims["exp"] - claims["iat"] == 3600
    r = api.post("/api/v2/auth/signup", json={"phone_number": "12"})
    assert "detail" not in r.json()


def test_profile_json_completion_still_works(api):
    headers = auth(_verify(api, "+916205829380").json())
    r = api.post("/api/auth/complete-profile", json={**PROFILE, "event_interests": interest_ids(2)}, headers=headers)
    assert r.status_code == 200 and isinstance(r.json()["data"]["id"], int)
