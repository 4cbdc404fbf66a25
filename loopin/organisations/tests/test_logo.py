"""The organisation's logo uploaded through the image cleaning (no EXIF/GPS stored), shown wherever `logo_url` is
read, replaced or removed with its old file deleted; a typed URL still works and replaces an upload."""

from __future__ import annotations

import io
import re

from django.core.files.storage import default_storage
from PIL import ExifTags, Image

from loopin.audit.models import AuditEntry
from loopin.organisations.models import Organisation
from loopin.organisations.tests.conftest import make_org
from loopin.testing.factories import PublishedEventFactory
from loopin.testing.fixtures import token_for
from loopin.testing.images import plain_image

BASE = "/api/v2/organisations"
ORIGIN = "http://testserver"  # the test client's origin: PUBLIC_BASE_URL is unset in tests


def gps_jpeg() -> bytes:
    """A JPEG carrying an EXIF GPS position (12°58'N) and a camera make."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "LoopinTestCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)  # 0x8825
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (12.0, 58.0, 0.0)
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (30, 120, 200)).save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def _upload(api, org_id, user, content, filename="logo.jpg", content_type="image/jpeg"):
    return api.post(f"{BASE}/{org_id}/logo", headers=token_for(user), files={"logo": (filename, content, content_type)})


def _stored(org_id) -> str:
    return Organisation.objects.get(id=org_id).logo.name


def test_an_admin_uploads_a_logo_stored_without_its_gps_and_shown_on_the_page_and_cards(api):
    org = make_org()
    org_id = org.organisation.id
    PublishedEventFactory(host=org.manager, organisation=org.organisation)
    with Image.open(io.BytesIO(gps_jpeg())) as source:  # the upload really carries a position
        assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)[2] == (12.0, 58.0, 0.0)

    r = _upload(api, org_id, org.admin, gps_jpeg())

    assert r.status_code == 201, r.text
    name = _stored(org_id)
    assert re.fullmatch(rf"organisation-logos/{org_id}/[0-9a-f]{{32}}\.jpg", name), name
    url = f"{ORIGIN}/media/{name}"
    assert (r.json()["message"], r.json()["data"]["logo_url"]) == ("Logo uploaded", url)
    with default_storage.open(name) as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("JPEG", (300, 200))
        assert dict(image.getexif()) == {}
        assert dict(image.getexif().get_ifd(ExifTags.IFD.GPSInfo)) == {}
        assert "exif" not in image.info
    assert api.get(f"{BASE}/{org_id}").json()["data"]["logo_url"] == url
    assert api.get("/api/v2/events").json()["data"][0]["organisation"]["logo"] == url
    served = api.get(url.removeprefix(ORIGIN))
    assert (served.status_code, served.headers["content-type"]) == (200, "image/jpeg")
    organisation = Organisation.objects.get(id=org_id)
    assert organisation.updated_by_id == org.admin.id
    entry = AuditEntry.objects.get(action="organisation.logo_uploaded")
    assert (entry.actor_id, entry.object_id, entry.data) == (
        org.admin.id, str(org_id), {"organisation_id": str(org_id)},
    )  # fmt: skip


def test_replacing_typing_a_url_and_removing_each_delete_the_file_replaced(api):
    org = make_org()
    org_id = org.organisation.id
    assert _upload(api, org_id, org.owner, gps_jpeg()).status_code == 201
    first = _stored(org_id)

    r = _upload(api, org_id, org.owner, plain_image("PNG"), "logo.png", "image/png")

    second = _stored(org_id)
    assert re.fullmatch(rf"organisation-logos/{org_id}/[0-9a-f]{{32}}\.png", second), second
    assert r.json()["data"]["logo_url"] == f"{ORIGIN}/media/{second}"
    assert (default_storage.exists(first), default_storage.exists(second)) == (False, True)

    r = api.patch(f"{BASE}/{org_id}", json={"logo_url": "https://example.com/club.png"}, headers=token_for(org.owner))
    assert (r.status_code, r.json()["data"]["logo_url"]) == (200, "https://example.com/club.png")
    assert (_stored(org_id), default_storage.exists(second)) == ("", False)

    assert _upload(api, org_id, org.owner, gps_jpeg()).status_code == 201
    third = _stored(org_id)
    r = api.delete(f"{BASE}/{org_id}/logo", headers=token_for(org.owner))
    assert (r.status_code, r.json()["message"], r.json()["data"]["logo_url"]) == (200, "Logo removed", None)
    assert (_stored(org_id), default_storage.exists(third)) == ("", False)
    assert api.get(f"{BASE}/{org_id}").json()["data"]["logo_url"] is None
    actions = AuditEntry.objects.filter(object_id=str(org_id), action__startswith="organisation.logo")
    assert sorted(actions.values_list("action", flat=True)) == [
        "organisation.logo_removed", "organisation.logo_uploaded", "organisation.logo_uploaded",
        "organisation.logo_uploaded",
    ]  # fmt: skip


def test_a_file_that_is_not_an_image_is_refused_and_stores_nothing(api):
    org = make_org()
    org_id = org.organisation.id

    r = _upload(api, org_id, org.admin, b"%PDF-1.7 not a picture", "logo.pdf", "application/pdf")

    assert r.status_code == 422
    body = r.json()
    assert body["error_code"] == "VALIDATION_ERROR"
    assert [(f["field"], f["code"]) for f in body["details"]["fields"]] == [("logo", "INVALID_IMAGE")]
    assert (_stored(org_id), Organisation.objects.get(id=org_id).logo_url) == ("", "")
    assert default_storage.exists(f"organisation-logos/{org_id}") is False


def test_a_manager_may_not_change_the_logo_and_nothing_is_stored(api):
    org = make_org()
    org_id = org.organisation.id
    assert _upload(api, org_id, org.owner, gps_jpeg()).status_code == 201
    kept = _stored(org_id)

    upload = _upload(api, org_id, org.manager, plain_image("PNG"), "logo.png", "image/png")
    remove = api.delete(f"{BASE}/{org_id}/logo", headers=token_for(org.manager))

    for r in (upload, remove):
        assert (r.status_code, r.json()["error_code"]) == (403, "ORGANISATION_ROLE_TOO_SMALL")
    assert (_stored(org_id), default_storage.exists(kept)) == (kept, True)
    _, files = default_storage.listdir(f"organisation-logos/{org_id}")
    assert files == [kept.rsplit("/", 1)[1]]
