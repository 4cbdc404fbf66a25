"""Issue 11, defect 9: uploaded pictures are re-encoded (no EXIF/GPS, orientation applied), polyglots are
neutralised, bombs refused, and /media answers can't be sniffed into HTML."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from loopin.accounts.models import ProfilePicture
from loopin.core.errors import ValidationFailed
from loopin.core.images import MAX_STORED_EDGE, image_clean
from loopin.events.models import EventImage
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import auth, interest_ids, sign_up, token_for
from loopin.testing.images import (
    CAMERA_MAKE,
    CAMERA_SERIAL,
    HTML_PAYLOAD,
    exif_gps,
    phone_photo,
    pixel_bomb,
    png_with_html,
)

RED, BLUE = (220, 20, 20), (20, 20, 220)


def _close(pixel, expected, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], expected, strict=True))


def _assert_clean_and_upright(content: bytes) -> None:
    """No metadata of any kind is left, and the stored 120x80 photo now stands 80x120, red on top."""
    assert exif_gps(phone_photo()) != {}  # the input really carries a position
    assert exif_gps(content) == {}
    with Image.open(io.BytesIO(content)) as image:
        assert dict(image.getexif()) == {}
        assert "icc_profile" not in image.info and "comment" not in image.info and "exif" not in image.info
        assert image.size == (80, 120)
        rgb = image.convert("RGB")
        assert _close(rgb.getpixel((40, 10)), RED) and _close(rgb.getpixel((40, 110)), BLUE)
    for marker in (b"Exif\x00\x00", CAMERA_MAKE.encode(), CAMERA_SERIAL.encode(), b"taken at home"):
        assert marker not in content


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP", "PNG"])
def test_a_phone_photo_loses_gps_camera_and_profile_and_is_turned_upright(fmt):
    clean = image_clean(phone_photo(fmt=fmt), field="picture")
    assert clean.extension == {"JPEG": "jpg", "WEBP": "webp", "PNG": "png"}[fmt]
    assert (clean.width, clean.height) == (80, 120)
    _assert_clean_and_upright(clean.content)


def test_html_appended_to_a_png_is_not_stored():
    clean = image_clean(png_with_html(), field="picture")
    assert HTML_PAYLOAD not in clean.content and b"<script" not in clean.content
    assert clean.content.endswith(b"IEND\xaeB`\x82")  # the file ends where the PNG ends


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (pixel_bomb(), "The picture has too many pixels."),
        (pixel_bomb(8000, 6000), "The picture has too many pixels."),  # 48 MP: over our 40 MP cap
        (b"<html><script>alert(1)</script></html>", "The file is not a readable image."),
        (phone_photo()[:600], "The file is not a readable image."),  # truncated mid-scan
    ],
)
def test_bombs_and_non_images_are_refused_before_decoding(content, message):
    with pytest.raises(ValidationFailed) as caught:
        image_clean(content, field="picture")
    assert caught.value.details == {"fields": [{"field": "picture", "code": "INVALID_IMAGE", "message": message}]}


def test_large_pictures_are_stored_at_most_2048_pixels_wide():
    buffer = io.BytesIO()
    Image.new("RGB", (4032, 3024), (10, 120, 10)).save(buffer, format="JPEG", quality=90)
    clean = image_clean(buffer.getvalue(), field="picture")
    assert (clean.width, clean.height) == (MAX_STORED_EDGE, 1536)


def _assert_safe_media_headers(response, content_type):
    assert response.headers["content-type"] == content_type
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "default-src 'none'; sandbox"


def test_profile_picture_upload_is_stored_clean_and_served_safely(api):
    headers = auth(sign_up(api, "+916205829376"))
    form = {
        "name": "Gaurav Kumar",
        "birth_date": "1995-01-01",
        "gender": "male",
        "event_interests": ",".join(map(str, interest_ids(2))),
    }
    r = api.post(
        "/api/auth/complete-profile",
        headers=headers,
        data=form,
        files=[
            ("profile_pictures", ("me.jpg", phone_photo(), "image/jpeg")),
            ("profile_pictures", ("me.png", png_with_html(), "image/png")),
        ],
    )
    assert r.status_code == 200, r.text
    photo_url, png_url = r.json()["data"]["profile_pictures"]
    served = api.get(photo_url.removeprefix("http://localhost:8000"))
    assert served.status_code == 200
    _assert_safe_media_headers(served, "image/jpeg")
    _assert_clean_and_upright(served.content)
    with default_storage.open(ProfilePicture.objects.get(position=0).image.name) as stored:
        assert stored.read() == served.content
    served = api.get(png_url.removeprefix("http://localhost:8000"))
    _assert_safe_media_headers(served, "image/png")
    assert HTML_PAYLOAD not in served.content


def test_event_cover_upload_is_stored_clean(api):
    host = UserWithProfileFactory()
    event = PublishedEventFactory(host=host)
    r = api.post(
        f"/api/v2/events/{event.id}/images",
        headers=token_for(host),
        files=[("images", ("cover.jpg", phone_photo(), "image/jpeg"))],
    )
    assert r.status_code == 201, r.text
    with default_storage.open(EventImage.objects.get(event=event).image.name) as stored:
        _assert_clean_and_upright(stored.read())
    served = api.get(r.json()["data"]["images"][0]["url"].removeprefix("http://localhost:8000"))
    _assert_safe_media_headers(served, "image/jpeg")


def test_a_bomb_upload_is_refused_with_422_and_stores_nothing(api):
    host = UserWithProfileFactory()
    event = PublishedEventFactory(host=host)
    r = api.post(
        f"/api/v2/events/{event.id}/images",
        headers=token_for(host),
        files=[("images", ("cover.png", pixel_bomb(), "image/png"))],
    )
    assert r.status_code == 422
    assert r.json()["details"]["fields"][0]["code"] == "INVALID_IMAGE"
    assert EventImage.objects.filter(event=event).count() == 0


def test_a_file_of_any_other_type_in_media_downloads_as_bytes_never_renders(api):
    name = default_storage.save("legacy/page.html", ContentFile(HTML_PAYLOAD))
    try:
        r = api.get(f"/media/{name}")
        assert r.status_code == 200
        _assert_safe_media_headers(r, "application/octet-stream")
        assert r.headers["content-disposition"] == "attachment"
    finally:
        default_storage.delete(name)


def test_media_answers_range_requests(api):
    name = default_storage.save("legacy/photo.jpg", ContentFile(phone_photo()))
    try:
        r = api.get(f"/media/{name}", headers={"Range": "bytes=0-9"})
        assert r.status_code == 206
        assert r.content == phone_photo()[:10]
        assert r.headers["content-range"] == f"bytes 0-9/{len(phone_photo())}"
        _assert_safe_media_headers(r, "image/jpeg")
    finally:
        default_storage.delete(name)


def test_every_api_answer_says_nosniff(api):
    assert api.get("/api/health").headers["x-content-type-options"] == "nosniff"
    assert api.get("/api/v2/events/not-a-uuid").headers["x-content-type-options"] == "nosniff"
