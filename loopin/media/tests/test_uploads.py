"""POST /api/v2/media: pictures in three sizes with a blurhash, videos probed, cleaned and given a poster."""

from __future__ import annotations

import io
from datetime import timedelta

import av
import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image

from loopin.core import hooks
from loopin.media.models import Media, MediaStatus
from loopin.media.tasks import delete_orphans
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import run_task, token_for
from loopin.testing.images import CAMERA_MAKE, exif_gps, phone_photo, pixel_bomb, png_with_html
from loopin.testing.videos import LOCATION, make_video

BASE = "http://localhost:8000"


@pytest.fixture
def owner(api):
    return UserWithProfileFactory()


def _upload(api, user, content, name="photo.jpg", content_type="image/jpeg"):
    return api.post("/api/v2/media", headers=token_for(user), files={"file": (name, content, content_type)})


def _served(api, url, **headers):
    return api.get(url.removeprefix(BASE), headers=headers)


def _photo(size):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 140, 200)).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def test_a_photo_is_stored_in_three_sizes_with_a_blurhash_and_no_metadata(api, owner):
    r = _upload(api, owner, _photo((4032, 3024)))
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert (data["kind"], data["status"], data["width"], data["height"]) == ("image", "ready", 1080, 810)
    assert {k: (v["width"], v["height"]) for k, v in data["sizes"].items()} == {
        "large": (1080, 810),
        "medium": (640, 480),
        "thumb": (150, 113),  # Pillow rounds 112.5 up
    }
    assert data["url"] == data["sizes"]["large"]["url"]
    assert 20 <= len(data["blurhash"]) <= 40 and data["video_url"] is None
    served = _served(api, data["sizes"]["medium"]["url"])
    assert served.status_code == 200 and served.headers["content-type"] == "image/webp"
    assert served.headers["x-content-type-options"] == "nosniff"
    with Image.open(io.BytesIO(served.content)) as image:
        assert (image.format, image.size) == ("WEBP", (640, 480))
    media = Media.objects.get(id=data["id"])
    assert media.owner == owner and media.attached_at is None and media.source_name == ""


def test_gps_and_camera_never_reach_storage_and_orientation_is_applied(api, owner):
    data = _upload(api, owner, phone_photo()).json()["data"]
    assert (data["width"], data["height"]) == (80, 120)  # stored landscape, shown portrait
    for size in data["sizes"].values():
        content = _served(api, size["url"]).content
        assert exif_gps(content) == {} and CAMERA_MAKE.encode() not in content and b"Exif" not in content


@pytest.mark.parametrize(
    ("content", "name", "content_type", "code"),
    [
        (pixel_bomb(), "bomb.png", "image/png", "INVALID_IMAGE"),
        (b"<html><script>alert(1)</script></html>", "page.html", "image/png", "INVALID_IMAGE"),
        (b"GIF89a" + b"\0" * 20, "a.gif", "image/gif", "INVALID_IMAGE"),
        (b"", "empty.jpg", "image/jpeg", "EMPTY_FILE"),
        (b"not a video at all", "clip.mp4", "video/mp4", "INVALID_VIDEO"),
    ],
)
def test_what_is_not_a_picture_or_video_is_refused_and_nothing_is_kept(api, owner, content, name, content_type, code):
    r = _upload(api, owner, content, name, content_type)
    assert r.status_code == 422, r.text
    assert r.json()["details"]["fields"][0]["code"] == code
    assert Media.objects.count() == 0


def test_html_behind_a_png_is_gone_from_every_size(api, owner):
    data = _upload(api, owner, png_with_html(), "x.png", "image/png").json()["data"]
    for size in data["sizes"].values():
        assert b"<script" not in _served(api, size["url"]).content


def test_size_caps_come_from_settings(api, owner, app_settings):
    app_settings.MEDIA_IMAGE_MAX_BYTES = 1000
    r = _upload(api, owner, _photo((400, 300)))
    assert r.status_code == 422
    assert r.json()["details"]["fields"] == [
        {"field": "file", "code": "IMAGE_TOO_LARGE", "message": "A picture may be at most 0 MB."}
    ]


def test_an_h264_clip_is_remuxed_without_its_location_and_gets_a_poster(api, owner):
    clip = make_video(seconds=1.0)
    with av.open(io.BytesIO(clip)) as container:
        assert container.metadata["location"] == LOCATION and b"loci" in clip  # the position, as phones write it
    r = _upload(api, owner, clip, "clip.mp4", "video/mp4")
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert (data["kind"], data["status"], data["width"], data["height"]) == ("video", "ready", 160, 96)
    assert data["duration_seconds"] == 1.0
    assert data["sizes"]["large"]["width"] == 160 and data["blurhash"]
    served = _served(api, data["video_url"])
    assert served.headers["content-type"] == "video/mp4"
    assert b"loci" not in served.content and b"LoopinTestCam" not in served.content
    with av.open(io.BytesIO(served.content)) as container:
        assert [s.codec_context.name for s in container.streams] == ["h264", "aac"]
        assert "location" not in container.metadata
    ranged = _served(api, data["video_url"], Range="bytes=100-199")
    assert ranged.status_code == 206 and ranged.content == served.content[100:200]
    assert Media.objects.get(id=data["id"]).probe["video_codec"] == "h264"


def test_another_codec_is_transcoded_to_h264_aac(api, owner):
    clip = make_video(seconds=1.0, fmt="matroska", video_codec="mpeg4", audio_codec="mp2")
    data = _upload(api, owner, clip, "clip.mkv", "video/x-matroska").json()["data"]
    assert data["status"] == "ready"
    with av.open(io.BytesIO(_served(api, data["video_url"]).content)) as container:
        assert container.format.name.startswith("mov,mp4")
        assert [s.codec_context.name for s in container.streams] == ["h264", "aac"]
    assert Media.objects.get(id=data["id"]).probe["video_codec"] == "mpeg4"


def test_without_a_worker_only_short_clips_are_transcoded(api, owner, app_settings):
    app_settings.MEDIA_INLINE_TRANSCODE_MAX_SECONDS = 0
    clip = make_video(seconds=1.0, fmt="matroska", video_codec="mpeg4", audio_codec=None)
    r = _upload(api, owner, clip, "clip.mkv", "video/x-matroska")
    assert r.status_code == 422 and r.json()["details"]["fields"][0]["code"] == "VIDEO_NEEDS_TRANSCODING"
    app_settings.MEDIA_VIDEO_MAX_SECONDS = 0
    r = _upload(api, owner, make_video(seconds=1.0), "clip.mp4", "video/mp4")
    assert r.status_code == 422 and r.json()["details"]["fields"][0]["code"] == "VIDEO_TOO_LONG"
    assert Media.objects.count() == 0


def test_with_a_worker_the_clip_is_transcoded_by_the_task(api, owner, app_settings):
    app_settings.CELERY_ALWAYS_EAGER = False  # as in production: the request only stores the source
    clip = make_video(seconds=1.0, fmt="matroska", video_codec="mpeg4", audio_codec=None)
    r = _upload(api, owner, clip, "clip.mkv", "video/x-matroska")
    assert r.status_code == 201 and r.json()["data"]["status"] == "processing"
    # the test Celery app runs the queued task in place, as the worker would
    data = api.get(f"/api/v2/media/{r.json()['data']['id']}", headers=token_for(owner)).json()["data"]
    assert data["status"] == "ready" and data["video_url"].endswith("video.mp4")
    media = Media.objects.get(id=data["id"])
    assert media.source_name == "" and not default_storage.exists(f"media/{owner.id}/{media.id}/source")


def test_uploads_are_private_to_their_owner_and_can_be_deleted(api, owner):
    data = _upload(api, owner, _photo((100, 100))).json()["data"]
    stranger = UserWithProfileFactory()
    assert api.get(f"/api/v2/media/{data['id']}", headers=token_for(stranger)).status_code == 404
    assert api.delete(f"/api/v2/media/{data['id']}", headers=token_for(stranger)).status_code == 404
    names = Media.objects.get(id=data["id"]).file_names()
    assert api.delete(f"/api/v2/media/{data['id']}", headers=token_for(owner)).status_code == 200
    assert Media.objects.count() == 0 and not any(default_storage.exists(n) for n in names)


def test_direct_uploads_need_s3(api, owner):
    r = api.post(
        "/api/v2/media/uploads", headers=token_for(owner), json={"content_type": "image/jpeg", "size_bytes": 10}
    )
    assert r.status_code == 409 and r.json()["error_code"] == "DIRECT_UPLOAD_UNAVAILABLE"


def test_orphans_older_than_a_day_are_deleted_with_their_files(api, owner):
    old, attached, fresh = (_upload(api, owner, _photo((64, 64))).json()["data"]["id"] for _ in range(3))
    Media.objects.filter(id__in=[old, attached]).update(created_at=timezone.now() - timedelta(hours=25))
    Media.objects.filter(id=attached).update(attached_at=timezone.now())
    old_files = Media.objects.get(id=old).file_names()
    assert run_task(delete_orphans) == 1
    assert set(Media.objects.values_list("id", flat=True)) == {
        Media.objects.get(id=attached).id,
        Media.objects.get(id=fresh).id,
    }
    assert not any(default_storage.exists(n) for n in old_files)
    assert Media.objects.get(id=attached).status == MediaStatus.READY


def test_account_erasure_deletes_every_upload_and_export_lists_them(api, owner):

    _upload(api, owner, _photo((64, 64)))
    names = Media.objects.get().file_names()
    exported = hooks.export_sections()["media"](owner)
    assert [(m["kind"], m["width"]) for m in exported] == [("image", 64)]
    with transaction.atomic():
        hooks.erasure_steps()["media.files"](owner)
    assert Media.objects.count() == 0 and not any(default_storage.exists(n) for n in names)
