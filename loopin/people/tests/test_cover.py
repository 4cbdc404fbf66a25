"""A profile's cover picture: an upload of the person's own (re-encoded by the media API, no GPS left), or a URL."""

from __future__ import annotations

import pytest

from loopin.media.models import Media
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for
from loopin.testing.images import CAMERA_MAKE, exif_gps, phone_photo, plain_image

BASE = "http://localhost:8000"
PROFILE = "/api/v2/me/social-profile"


@pytest.fixture
def ana(api):
    return UserWithProfileFactory()


def _upload(api, user, content=None):
    files = {"file": ("cover.jpg", content or phone_photo(), "image/jpeg")}
    r = api.post("/api/v2/media", headers=token_for(user), files=files)
    assert r.status_code == 201, r.text
    return r.json()["data"]


def _set(api, user, **body):
    return api.patch(PROFILE, headers=token_for(user), json=body)


def test_an_uploaded_photo_becomes_the_cover_without_its_gps_and_others_see_it(api, ana):
    upload = _upload(api, ana)
    r = _set(api, ana, cover_media_id=upload["id"])
    assert r.status_code == 200, r.text
    assert r.json()["data"]["cover_url"] == upload["sizes"]["large"]["url"]
    served = api.get(upload["sizes"]["large"]["url"].removeprefix(BASE))
    assert served.status_code == 200
    assert exif_gps(served.content) == {} and CAMERA_MAKE.encode() not in served.content
    assert Media.objects.get(id=upload["id"]).attached_at is not None  # no longer an orphan to sweep
    viewer = UserWithProfileFactory()
    seen = api.get(f"/api/v2/users/{ana.id}", headers=token_for(viewer)).json()["data"]
    assert seen["cover_url"] == upload["sizes"]["large"]["url"]
    assert api.get(PROFILE, headers=token_for(ana)).json()["data"]["cover_url"] == upload["sizes"]["large"]["url"]


def test_replacing_or_removing_the_cover_deletes_the_upload_it_replaced(api, ana):
    first, second = _upload(api, ana), _upload(api, ana, plain_image("JPEG"))
    _set(api, ana, cover_media_id=first["id"])
    assert _set(api, ana, cover_media_id=second["id"]).json()["data"]["cover_url"] == second["sizes"]["large"]["url"]
    assert list(Media.objects.values_list("id", flat=True)) == [Media.objects.get(id=second["id"]).id]
    r = _set(api, ana, cover_url="https://example.com/beach.jpg")
    assert r.json()["data"]["cover_url"] == "https://example.com/beach.jpg"
    assert Media.objects.count() == 0
    third = _upload(api, ana)
    _set(api, ana, cover_media_id=third["id"])
    r = _set(api, ana, cover_media_id=None)
    assert (r.status_code, r.json()["data"]["cover_url"], Media.objects.count()) == (200, None, 0)


def test_someone_elses_upload_or_both_kinds_of_cover_at_once_are_refused_and_nothing_changes(api, ana):
    mine = _upload(api, ana)
    _set(api, ana, cover_media_id=mine["id"])
    theirs = _upload(api, UserWithProfileFactory())
    r = _set(api, ana, cover_media_id=theirs["id"], city="Pune")
    assert r.status_code == 422
    fields = [(f["field"], f["code"]) for f in r.json()["details"]["fields"]]
    assert fields == [("cover_media_id[0]", "MEDIA_NOT_FOUND")]
    r = _set(api, ana, cover_media_id=mine["id"], cover_url="https://example.com/x.jpg")
    assert r.status_code == 422
    assert [(f["field"], f["code"]) for f in r.json()["details"]["fields"]] == [("cover_media_id", "ONE_COVER")]
    now = api.get(PROFILE, headers=token_for(ana)).json()["data"]
    assert (now["cover_url"], now["city"]) == (mine["sizes"]["large"]["url"], None)
    assert Media.objects.filter(id=theirs["id"], attached_at__isnull=True).exists()
