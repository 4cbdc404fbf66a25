"""complete-profile and the profile endpoints: every validation rule, JSON and multipart."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from loopin.accounts.models import Interest, ProfilePicture, User
from loopin.testing.fixtures import PROFILE, auth, interest_ids, sign_up

PHONE = "+916205829376"


@pytest.fixture
def headers(api):
    return auth(sign_up(api, PHONE))


def _profile(**overrides):
    return {**PROFILE, "event_interests": interest_ids(3), **overrides}


def _field_codes(response):
    return [(f["field"], f["code"]) for f in response.json()["details"]["fields"]]


def _image(fmt="PNG", size=(64, 64)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format=fmt)
    return buf.getvalue()


def _years_ago(years: int, days: int = 0) -> str:
    today = date.today()
    try:
        d = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        d = today.replace(year=today.year - years, day=28)

    return (d + timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("name", "A", "INVALID_NAME"),
        ("name", "x" * 101, "INVALID_NAME"),
        ("name", "R2-D2", "INVALID_NAME"),
        ("name", "Robert'); DROP", "INVALID_NAME"),
        ("birth_date", "01-01-1995", "DATE_FROM_DATETIME_PARSING"),
        ("gender", "robot", "ENUM"),
        ("event_interests", [], "INTEREST_COUNT"),
        ("event_interests", [1, 2, 3, 4, 5, 6], "INTEREST_COUNT"),
        ("profile_pictures", ["ftp://example.com/a.jpg"], "INVALID_PICTURE_URL"),
        ("profile_pictures", [f"https://example.com/{i}.jpg" for i in range(7)], "PICTURE_COUNT"),
    ],
)
def test_each_rule_has_its_code(api, headers, field, value, code):
    r = api.post("/api/v2/auth/complete-profile", headers=headers, json=_profile(**{field: value}))
    assert r.status_code == 422
    assert r.json()["error_code"] == "VALIDATION_ERROR"
    fields = _field_codes(r)
    assert fields[0][0].split(".")[0] == field
    assert fields[0][1] == code
    assert User.objects.get(phone_number=PHONE).profile_completed_at is None


@pytest.mark.parametrize("name", ["Zoë O'Neil-Ñúñez", "Asha V.", "Dr. K. R. Rao"])
def test_names_may_hold_letters_spaces_hyphens_apostrophes_and_full_stops(api, headers, name):
    r = api.post("/api/v2/auth/complete-profile", headers=headers, json=_profile(name=name))
    assert r.status_code == 200
    assert r.json()["data"]["name"] == name


def test_age_must_be_eighteen(api, headers):
    r = api.post("/api/v2/auth/complete-profile", headers=headers, json=_profile(birth_date=_years_ago(18, days=1)))
    assert r.status_code == 422
    assert _field_codes(r) == [("birth_date", "UNDERAGE")]
    r = api.post("/api/v2/auth/complete-profile", headers=headers, json=_profile(birth_date=_years_ago(18)))
    assert r.status_code == 200
    assert r.json()["data"]["age"] == 18


def test_missing_fields_are_named(api, headers):
    r = api.post("/api/v2/auth/complete-profile", headers=headers, json={"name": "Gaurav Kumar"})
    assert r.status_code == 422
    assert sorted(_field_codes(r)) == [("birth_date", "MISSING"), ("event_interests", "MISSING"), ("gender", "MISSING")]


def test_at_least_one_picture(api, headers):
    r = api.post("/api/v2/auth/complete-profile", headers=headers, json=_profile(profile_pictures=[]))
    assert r.status_code == 422
    assert _field_codes(r) == [("profile_pictures", "PICTURE_COUNT")]


def test_unknown_and_inactive_interests_are_refused(api, headers):
    ids = interest_ids(2)
    Interest.objects.filter(id=ids[1]).update(is_active=False)
    r = api.post("/api/v2/auth/complete-profile", headers=headers, json=_profile(event_interests=[ids[0], ids[1]]))
    assert r.status_code == 422
    assert _field_codes(r) == [("event_interests", "INVALID_INTEREST")]
    r = api.post("/api/v2/auth/complete-profile", headers=headers, json=_profile(event_interests=[999999]))
    assert _field_codes(r) == [("event_interests", "INVALID_INTEREST")]


def test_phone_number_must_be_the_callers(api, headers):
    r = api.post("/api/v2/auth/complete-profile", headers=headers, json=_profile(phone_number="+916205829377"))
    assert r.status_code == 403
    assert r.json()["error_code"] == "PHONE_MISMATCH"


def test_multipart_with_uploaded_pictures(api, headers):
    ids = interest_ids(2)
    r = api.post(
        "/api/v2/auth/complete-profile",
        headers=headers,
        data={
            "name": "Gaurav Kumar",
            "birth_date": "1995-01-01",
            "gender": "male",
            "event_interests": [str(i) for i in ids],
            "phone_number": PHONE,
        },
        files=[
            ("profile_pictures", ("me.png", _image("PNG"), "image/png")),
            ("profile_pictures", ("me2.jpg", _image("JPEG"), "image/jpeg")),
            ("profile_pictures", ("me3.webp", _image("WEBP"), "image/webp")),
        ],
    )
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["profile_complete"] is True
    assert [i["id"] for i in data["event_interests"]] == ids
    assert len(data["profile_pictures"]) == 3
    assert [p.rsplit(".", 1)[1] for p in data["profile_pictures"]] == ["png", "jpg", "webp"]
    names = [p.image.name for p in ProfilePicture.objects.order_by("position")]
    assert all(default_storage.exists(n) for n in names)
    served = api.get(data["profile_pictures"][0].removeprefix("http://testserver"))
    assert served.status_code == 200 and served.content == _image("PNG")


def test_uploads_must_be_real_images_of_allowed_types_and_size(api, headers):
    base = {
        "name": "Gaurav Kumar",
        "birth_date": "1995-01-01",
        "gender": "male",
        "event_interests": ",".join(map(str, interest_ids(2))),
    }
    cases = [
        (("x.jpg", b"this is not an image", "image/jpeg"), "INVALID_IMAGE"),
        (("x.gif", _image("GIF"), "image/gif"), "UNSUPPORTED_IMAGE_TYPE"),
        (("x.png", _image("PNG") + b"\0" * (5 * 1024 * 1024), "image/png"), "IMAGE_TOO_LARGE"),
    ]
    for upload, code in cases:
        r = api.post("/api/v2/auth/complete-profile", headers=headers, data=base, files=[("profile_pictures", upload)])
        assert r.status_code == 422, code
        assert _field_codes(r) == [("profile_pictures[0]", code)]
    assert ProfilePicture.objects.count() == 0


def test_put_profile_is_partial_and_follows_the_same_rules(api, headers):
    api.post("/api/v2/auth/complete-profile", headers=headers, json=_profile())
    r = api.put("/api/v2/auth/profile", headers=headers, json={"name": "Gaurav K"})
    assert r.status_code == 200
    data = r.json()["data"]
    assert data["name"] == "Gaurav K"
    assert data["gender"] == "male"
    assert len(data["profile_pictures"]) == 2
    r = api.put("/api/v2/auth/profile", headers=headers, json={"birth_date": _years_ago(10)})
    assert r.status_code == 422 and _field_codes(r) == [("birth_date", "UNDERAGE")]
    r = api.put("/api/v2/auth/profile", headers=headers, json={"name": None})
    assert r.status_code == 422 and _field_codes(r) == [("name", "NULL_NOT_ALLOWED")]
    r = api.put("/api/v2/auth/profile", headers=headers, json={"profile_pictures": ["https://example.com/new.jpg"]})
    assert r.json()["data"]["profile_pictures"] == ["https://example.com/new.jpg"]
    assert api.get("/api/v2/auth/profile", headers=headers).json()["data"]["name"] == "Gaurav K"


def test_replacing_uploaded_pictures_deletes_their_files(api, headers):
    ids = ",".join(map(str, interest_ids(1)))
    api.post(
        "/api/v2/auth/complete-profile",
        headers=headers,
        data={"name": "Gaurav Kumar", "birth_date": "1995-01-01", "gender": "male", "event_interests": ids},
        files=[("profile_pictures", ("me.png", _image("PNG"), "image/png"))],
    )
    old = ProfilePicture.objects.get().image.name
    assert default_storage.exists(old)
    api.put("/api/v2/auth/profile", headers=headers, json={"profile_pictures": ["https://example.com/x.jpg"]})
    assert not default_storage.exists(old)


def test_profile_completion_through_put_once_everything_is_set(api, headers):
    r = api.put("/api/v2/auth/profile", headers=headers, json={"name": "Gaurav Kumar", "birth_date": "1995-01-01"})
    assert r.json()["data"]["profile_complete"] is False
    r = api.put(
        "/api/v2/auth/profile",
        headers=headers,
        json={
            "gender": "female",
            "event_interests": interest_ids(1),
            "profile_pictures": ["https://example.com/a.png"],
        },
    )
    assert r.json()["data"]["profile_complete"] is True
    assert r.json()["data"]["needs_profile_completion"] is False


def test_profile_needs_a_token(api):
    assert api.get("/api/v2/auth/profile").status_code == 401
    assert api.post("/api/v2/auth/complete-profile", json=_profile()).status_code == 401
