"""The media pipeline on S3 (django-storages) against a real S3 API server (moto, started locally)."""

from __future__ import annotations

import io

import pytest
import requests
from PIL import Image

from loopin.media.models import Media
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for
from loopin.testing.images import exif_gps, phone_photo
from loopin.testing.videos import make_video


@pytest.fixture
def owner(api):
    return UserWithProfileFactory()


def _keys(client, bucket):
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", []))


def test_a_multipart_upload_lands_in_the_bucket(api, owner, s3_storage):
    client, bucket = s3_storage
    r = api.post("/api/v2/media", headers=token_for(owner), files={"file": ("p.jpg", phone_photo(), "image/jpeg")})
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    prefix = f"media/{owner.id}/{data['id']}"
    assert _keys(client, bucket) == [f"{prefix}/1080.webp", f"{prefix}/150.webp", f"{prefix}/640.webp"]
    served = requests.get(data["url"], timeout=10)
    assert served.status_code == 200 and served.headers["content-type"] == "image/webp"
    assert exif_gps(served.content) == {}


def test_a_direct_upload_is_posted_to_the_bucket_then_confirmed(api, owner, s3_storage):
    client, bucket = s3_storage
    photo = phone_photo(size=(300, 200))
    r = api.post(
        "/api/v2/media/uploads",
        headers=token_for(owner),
        json={"content_type": "image/jpeg", "size_bytes": len(photo)},
    )
    assert r.status_code == 201, r.text
    body = r.json()["data"]
    media_id = body["media"]["id"]
    assert body["media"]["status"] == "awaiting_upload" and body["upload"]["expires_in"] == 900
    r = api.post(f"/api/v2/media/{media_id}/confirm", headers=token_for(owner))
    assert r.status_code == 409 and r.json()["error_code"] == "UPLOAD_MISSING"
    # the phone's part: a form POST straight to the bucket
    posted = requests.post(
        body["upload"]["url"], data=body["upload"]["fields"], files={"file": ("p.jpg", photo, "image/jpeg")}, timeout=10
    )
    assert posted.status_code in (200, 201, 204), posted.text
    source = f"media/{owner.id}/{media_id}/source.jpg"
    assert _keys(client, bucket) == [source]
    r = api.post(f"/api/v2/media/{media_id}/confirm", headers=token_for(owner))
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert (data["status"], data["width"], data["height"]) == ("ready", 200, 300)
    assert source not in _keys(client, bucket) and len(_keys(client, bucket)) == 3  # the raw upload is gone
    with Image.open(io.BytesIO(requests.get(data["sizes"]["thumb"]["url"], timeout=10).content)) as thumb:
        assert thumb.size == (100, 150)
    again = api.post(f"/api/v2/media/{media_id}/confirm", headers=token_for(owner))
    assert again.json()["data"]["id"] == media_id  # confirming twice is harmless


def test_a_direct_upload_of_something_else_is_refused_and_removed(api, owner, s3_storage):
    client, bucket = s3_storage
    r = api.post(
        "/api/v2/media/uploads", headers=token_for(owner), json={"content_type": "video/mp4", "size_bytes": 100}
    )
    upload = r.json()["data"]["upload"]
    requests.post(
        upload["url"], data=upload["fields"], files={"file": ("c.mp4", b"junk" * 25, "video/mp4")}, timeout=10
    )
    r = api.post(f"/api/v2/media/{r.json()['data']['media']['id']}/confirm", headers=token_for(owner))
    assert r.status_code == 422 and r.json()["details"]["fields"][0]["code"] == "INVALID_VIDEO"
    assert _keys(client, bucket) == [] and Media.objects.count() == 0


def test_a_video_in_the_bucket_serves_byte_ranges(api, owner, s3_storage):
    r = api.post(
        "/api/v2/media", headers=token_for(owner), files={"file": ("c.mp4", make_video(seconds=1.0), "video/mp4")}
    )
    url = r.json()["data"]["video_url"]
    ranged = requests.get(url, headers={"Range": "bytes=0-99"}, timeout=10)
    assert ranged.status_code == 206 and len(ranged.content) == 100
    assert ranged.headers["content-type"] == "video/mp4"


def test_types_outside_the_list_get_no_upload_form(api, owner, s3_storage):
    r = api.post(
        "/api/v2/media/uploads", headers=token_for(owner), json={"content_type": "text/html", "size_bytes": 100}
    )
    assert r.status_code == 422 and r.json()["details"]["fields"][0]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    r = api.post(
        "/api/v2/media/uploads", headers=token_for(owner), json={"content_type": "image/png", "size_bytes": 10**9}
    )
    assert r.status_code == 422 and r.json()["details"]["fields"][0]["code"] == "IMAGE_TOO_LARGE"
