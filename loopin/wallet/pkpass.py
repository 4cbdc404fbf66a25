"""A ticket's `.pkpass`: pass.json, images, manifest.json (SHA-1 of every file) and a detached PKCS#7 signature.

Signed with the pass type id certificate and key from the settings, the Apple WWDR intermediate included,
over manifest.json (DER, binary, detached), with `cryptography`. Nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from PIL import Image, ImageDraw

from loopin.core.errors import ServiceUnavailable
from loopin.core.links import public_base_url
from loopin.core.logging import get_logger
from loopin.core.settings import get_settings
from loopin.core.time import display_zone
from loopin.wallet.error_codes import WalletErrorCode

log = get_logger("loopin.wallet")

CONTENT_TYPE = "application/vnd.apple.pkpass"
BRAND = (91, 44, 255)  # the app's violet
FOREGROUND = "rgb(255, 255, 255)"
BACKGROUND = f"rgb({BRAND[0]}, {BRAND[1]}, {BRAND[2]})"
LABEL = "rgb(225, 215, 255)"


@dataclass(frozen=True)
class Signer:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    wwdr: x509.Certificate


def pem_bytes(text: str) -> bytes:
    """PEM from the environment: real newlines or `\\n` escapes (a one-line variable)."""
    return text.replace("\\n", "\n").strip().encode() + b"\n"


def not_configured(message: str = "Apple Wallet passes are not set up on this server.") -> ServiceUnavailable:
    return ServiceUnavailable(message, code=WalletErrorCode.WALLET_NOT_CONFIGURED)


@lru_cache(maxsize=4)
def _load_signer(cert_pem: str, key_pem: str, password: str, wwdr_pem: str) -> Signer:
    try:
        certificate = x509.load_pem_x509_certificate(pem_bytes(cert_pem))
        wwdr = x509.load_pem_x509_certificate(pem_bytes(wwdr_pem))
        key = serialization.load_pem_private_key(pem_bytes(key_pem), password=password.encode() or None)
    except (ValueError, TypeError) as exc:
        log.error("wallet_certificates_unreadable", error=type(exc).__name__)
        raise not_configured("The Apple Wallet certificates or key on this server cannot be read.") from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise not_configured("The Apple Wallet key must be an RSA or EC key.")
    return Signer(certificate=certificate, key=key, wwdr=wwdr)


def signer() -> Signer:
    """The configured certificate, key and WWDR certificate; 503 WALLET_NOT_CONFIGURED when missing or bad."""
    s = get_settings()
    if not s.wallet_configured:
        raise not_configured()
    return _load_signer(s.WALLET_CERT_PEM, s.WALLET_KEY_PEM, s.WALLET_KEY_PASSWORD, s.WALLET_WWDR_PEM)


def web_service_url() -> str:
    """Where devices ask for updates (Apple appends /v1/...)."""
    configured = get_settings().WALLET_WEB_SERVICE_URL
    return configured.rstrip("/") if configured else public_base_url() + "/api/wallet"


# ------------------------------------------------------------------------------------------------ images


@lru_cache(maxsize=8)
def _png(width: int, height: int, mark: bool) -> bytes:
    """A small brand-coloured PNG (a white ring as the mark on icons)."""
    image = Image.new("RGBA", (width, height), (*BRAND, 255))
    if mark:
        draw = ImageDraw.Draw(image)
        pad, ring = width // 5, max(2, width // 9)
        draw.ellipse((pad, pad, width - pad - 1, height - pad - 1), outline=(255, 255, 255, 255), width=ring)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def images() -> dict[str, bytes]:
    return {
        "icon.png": _png(29, 29, True),
        "icon@2x.png": _png(58, 58, True),
        "logo.png": _png(50, 50, True),
        "logo@2x.png": _png(100, 100, True),
    }


# ------------------------------------------------------------------------------------------------ pass.json


def display_date(at: datetime) -> str:
    """'Sat 20 Dec 2026, 7:00 PM IST' in the display zone."""
    local = at.astimezone(display_zone())
    hour = local.strftime("%I").lstrip("0")
    return f"{local:%a %d %b %Y}, {hour}:{local:%M %p} {local.tzname()}"


@dataclass(frozen=True)
class PassContent:
    serial_number: str
    auth_token: str
    event_title: str
    start_at: datetime
    venue: str
    tier: str
    seats: int
    code: str
    barcode_message: str
    latitude: float | None
    longitude: float | None
    voided: bool
    status_note: str  # "" or "Postponed" / "Cancelled" on the front


def pass_json(content: PassContent) -> dict[str, Any]:
    s = get_settings()
    secondary = [
        {"key": "date", "label": "DATE", "value": display_date(content.start_at)},
        {"key": "venue", "label": "VENUE", "value": content.venue},
    ]
    auxiliary = [
        {"key": "tier", "label": "TIER", "value": content.tier},
        {"key": "seats", "label": "SEATS", "value": content.seats},
    ]
    if content.status_note:
        auxiliary.append({"key": "status", "label": "STATUS", "value": content.status_note})
    data: dict[str, Any] = {
        "formatVersion": 1,
        "passTypeIdentifier": s.WALLET_PASS_TYPE_ID,
        "teamIdentifier": s.WALLET_TEAM_ID,
        "serialNumber": content.serial_number,
        "organizationName": s.WALLET_ORGANIZATION_NAME,
        "description": f"Ticket: {content.event_title}",
        "logoText": s.WALLET_ORGANIZATION_NAME,
        "foregroundColor": FOREGROUND,
        "backgroundColor": BACKGROUND,
        "labelColor": LABEL,
        "eventTicket": {
            "primaryFields": [{"key": "event", "label": "EVENT", "value": content.event_title}],
            "secondaryFields": secondary,
            "auxiliaryFields": auxiliary,
            "backFields": [{"key": "code", "label": "TICKET CODE", "value": content.code}],
        },
        "barcodes": [
            {
                "format": "PKBarcodeFormatQR",
                "message": content.barcode_message,
                "messageEncoding": "iso-8859-1",
                "altText": content.code,
            }
        ],
        "relevantDate": content.start_at.astimezone(display_zone()).isoformat(timespec="seconds"),
        "webServiceURL": web_service_url(),
        "authenticationToken": content.auth_token,
        "voided": content.voided,
    }
    if content.latitude is not None and content.longitude is not None:
        data["locations"] = [{"latitude": content.latitude, "longitude": content.longitude}]
    return data


# ------------------------------------------------------------------------------------------------ the bundle


def manifest(files: dict[str, bytes]) -> bytes:
    return json.dumps({name: hashlib.sha1(raw).hexdigest() for name, raw in sorted(files.items())},  # noqa: S324
                      indent=2).encode()  # fmt: skip


def sign_manifest(manifest_bytes: bytes, with_signer: Signer) -> bytes:
    """PKCS#7 detached DER signature of manifest.json by the pass certificate, the WWDR certificate included."""
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(manifest_bytes)
        .add_signer(with_signer.certificate, with_signer.key, hashes.SHA256())
        .add_certificate(with_signer.wwdr)
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
    )


def build(content: PassContent) -> bytes:
    """The signed .pkpass (a zip) of one pass."""
    with_signer = signer()
    files = {"pass.json": json.dumps(pass_json(content), ensure_ascii=False, indent=2).encode(), **images()}
    manifest_bytes = manifest(files)
    files["manifest.json"] = manifest_bytes
    files["signature"] = sign_manifest(manifest_bytes, with_signer)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, raw in files.items():
            bundle.writestr(name, raw)
    return out.getvalue()
