"""A ticket's .pkpass: the bundle's files, the manifest's hashes, the PKCS#7 signature, pass.json exactly."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

from cryptography.hazmat.primitives.serialization import pkcs7

from loopin.core.time import display_zone
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for
from loopin.tickets import signing
from loopin.wallet.models import WalletPass
from loopin.wallet.tests.conftest import PASS_TYPE, TEAM, pass_json_of, unzip
from loopin.wallet.tokens import token_hash

OPENSSL = shutil.which("openssl") or "openssl"  # Debian's, in every image we run on


def download(guest, headers=None):
    return guest.api.get(f"/api/v2/tickets/{guest.ticket.id}/wallet.pkpass", headers=headers or guest.headers)


def openssl_verify(tmp_path: Path, ca_file: Path, files: dict[str, bytes]) -> subprocess.CompletedProcess:
    (tmp_path / "signature").write_bytes(files["signature"])
    (tmp_path / "manifest.json").write_bytes(files["manifest.json"])
    return subprocess.run(  # noqa: S603 - fixed arguments, our own temporary files
        [
            OPENSSL,
            "smime",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            str(tmp_path / "signature"),
            "-content",
            str(tmp_path / "manifest.json"),
            "-CAfile",
            str(ca_file),
            "-purpose",
            "any",
            "-out",
            str(tmp_path / "verified"),
        ],  # fmt: skip
        capture_output=True,
        check=False,
    )


def test_the_pass_is_a_zip_of_pass_json_images_manifest_and_signature(guest):
    r = download(guest)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/vnd.apple.pkpass"
    assert r.headers["content-disposition"] == f'attachment; filename="loopin-{guest.ticket.code}.pkpass"'
    files = unzip(r.content)
    assert sorted(files) == [
        "icon.png", "icon@2x.png", "logo.png", "logo@2x.png", "manifest.json", "pass.json", "signature",
    ]  # fmt: skip
    for name in ("icon.png", "icon@2x.png", "logo.png", "logo@2x.png"):
        assert files[name][:8] == b"\x89PNG\r\n\x1a\n"


def test_the_manifest_holds_the_sha1_of_every_other_file(guest):
    files = unzip(download(guest).content)
    manifest = json.loads(files["manifest.json"])
    expected = {name: hashlib.sha1(raw).hexdigest() for name, raw in files.items()  # noqa: S324
                if name not in ("manifest.json", "signature")}  # fmt: skip
    assert manifest == expected


def test_the_signature_verifies_over_the_manifest_and_a_tampered_manifest_fails(guest, certs, tmp_path):
    files = unzip(download(guest).content)
    ca_file = certs.ca_file(tmp_path)
    good = openssl_verify(tmp_path, ca_file, files)
    assert good.returncode == 0, good.stderr.decode()
    assert (tmp_path / "verified").read_bytes() == files["manifest.json"]
    tampered = dict(files, **{"manifest.json": files["manifest.json"].replace(b'"pass.json"', b'"pass.jsoN"')})
    bad = openssl_verify(tmp_path, ca_file, tampered)
    assert bad.returncode != 0
    assert b"digest failure" in bad.stderr.lower() or b"bad signature" in bad.stderr.lower()


def test_the_signature_carries_the_pass_certificate_and_the_wwdr_certificate(guest, certs):
    files = unzip(download(guest).content)
    carried = pkcs7.load_der_pkcs7_certificates(files["signature"])
    assert sorted(c.subject.rfc4514_string() for c in carried) == sorted(
        [certs.cert.subject.rfc4514_string(), certs.ca.subject.rfc4514_string()]
    )


def test_a_changed_pass_json_no_longer_matches_the_manifest(guest):
    files = unzip(download(guest).content)
    manifest = json.loads(files["manifest.json"])
    forged = files["pass.json"].replace(b"Jazz Night", b"Free Night")
    assert forged != files["pass.json"]
    assert hashlib.sha1(forged).hexdigest() != manifest["pass.json"]  # noqa: S324


def test_pass_json_fields(guest):
    data = pass_json_of(download(guest).content)
    wallet_pass = WalletPass.objects.get()
    token = data.pop("authenticationToken")
    assert len(token) == 43 and token_hash(token) == wallet_pass.auth_token_hash
    assert wallet_pass.auth_token_encrypted.startswith("gAAAA") and token not in wallet_pass.auth_token_encrypted
    barcode_message = data["barcodes"][0].pop("message")
    claims, _, _ = signing.token_parse(barcode_message)
    assert (claims.ticket_id, claims.event_id, claims.seats) == (guest.ticket.id, guest.event.id, 1)
    local = guest.event.start_at.astimezone(display_zone())
    assert data == {
        "formatVersion": 1,
        "passTypeIdentifier": PASS_TYPE,
        "teamIdentifier": TEAM,
        "serialNumber": str(guest.ticket.id),
        "organizationName": "Loopin",
        "description": "Ticket: Jazz Night",
        "logoText": "Loopin",
        "foregroundColor": "rgb(255, 255, 255)",
        "backgroundColor": "rgb(91, 44, 255)",
        "labelColor": "rgb(225, 215, 255)",
        "eventTicket": {
            "primaryFields": [{"key": "event", "label": "EVENT", "value": "Jazz Night"}],
            "secondaryFields": [
                {"key": "date", "label": "DATE", "value": f"{local:%a %d %b %Y}, 7:00 PM IST"},
                {"key": "venue", "label": "VENUE", "value": "Blue Frog, Mumbai"},
            ],
            "auxiliaryFields": [
                {"key": "tier", "label": "TIER", "value": "General admission"},
                {"key": "seats", "label": "SEATS", "value": 1},
            ],
            "backFields": [{"key": "code", "label": "TICKET CODE", "value": guest.ticket.code}],
        },
        "barcodes": [{"format": "PKBarcodeFormatQR", "messageEncoding": "iso-8859-1", "altText": guest.ticket.code}],
        "relevantDate": f"{local:%Y-%m-%d}T19:00:00+05:30",
        "webServiceURL": "https://loopin.example/api/wallet",
        "voided": False,
        "locations": [{"latitude": 19.017615, "longitude": 72.856164}],
    }


def test_the_barcode_is_the_apps_qr_token(guest):
    data = pass_json_of(download(guest).content)
    qr = guest.api.get(f"/api/v2/me/tickets/{guest.ticket.id}/qr?format=token", headers=guest.headers).json()
    assert data["barcodes"][0]["message"] == qr["data"]["token"]


def test_a_second_download_is_the_same_pass_with_the_same_token(guest):
    first = pass_json_of(download(guest).content)
    second = pass_json_of(download(guest).content)
    assert WalletPass.objects.count() == 1
    assert first["authenticationToken"] == second["authenticationToken"]


def test_only_the_holder_gets_the_pass(guest):
    r = download(guest, headers=token_for(UserWithProfileFactory()))
    assert (r.status_code, r.json()["error_code"]) == (404, "TICKET_NOT_FOUND")
    assert WalletPass.objects.count() == 0


def test_a_cancelled_ticket_gets_no_new_pass(guest):
    guest.api.delete(f"/api/v2/events/{guest.event.id}/attendance", headers=guest.headers)
    r = download(guest)
    assert (r.status_code, r.json()["error_code"]) == (409, "TICKET_NOT_VALID")


def test_not_configured_is_a_503_with_its_code(guest, app_settings):
    app_settings.WALLET_CERT_PEM = ""
    r = download(guest)
    assert (r.status_code, r.json()["error_code"]) == (503, "WALLET_NOT_CONFIGURED")


def test_an_unreadable_certificate_is_a_503_not_a_500(guest, app_settings):
    app_settings.WALLET_CERT_PEM = "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----"
    r = download(guest)
    assert (r.status_code, r.json()["error_code"]) == (503, "WALLET_NOT_CONFIGURED")
    assert r.json()["error"] == "The Apple Wallet certificates or key on this server cannot be read."
