"""Wallet fixtures: a test CA standing in for Apple's WWDR, a pass certificate it signed, a guest's ticket."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.utils import timezone

from loopin.participation.attendance import attendance_confirm
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory, VenueFactory
from loopin.testing.fixtures import token_for
from loopin.wallet.push import ApnsPassPush, use_pass_push_backend

PASS_TYPE = "pass.in.loopinsocial.test"
TEAM = "TEAM123456"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _pem(obj: Any) -> str:
    if isinstance(obj, x509.Certificate):
        return obj.public_bytes(serialization.Encoding.PEM).decode()
    return obj.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@dataclass
class Certs:
    ca: x509.Certificate
    ca_pem: str
    cert: x509.Certificate
    cert_pem: str
    key_pem: str

    def ca_file(self, directory: Path) -> Path:
        path = directory / "ca.pem"
        path.write_text(self.ca_pem)
        return path


@pytest.fixture(scope="session")
def certs() -> Certs:
    """A self-signed CA ("WWDR") and a pass type id certificate it issued, made now with cryptography."""
    now = datetime.now(UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Test WWDR CA"))
        .issuer_name(_name("Test WWDR CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"Pass Type ID: {PASS_TYPE}"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return Certs(ca=ca, ca_pem=_pem(ca), cert=cert, cert_pem=_pem(cert), key_pem=_pem(key))


@pytest.fixture
def wallet_settings(app_settings: Any, certs: Certs) -> Any:
    app_settings.WALLET_PASS_TYPE_ID = PASS_TYPE
    app_settings.WALLET_TEAM_ID = TEAM
    app_settings.WALLET_CERT_PEM = certs.cert_pem.replace("\n", "\\n")  # one line, as in an env file
    app_settings.WALLET_KEY_PEM = certs.key_pem
    app_settings.WALLET_WWDR_PEM = certs.ca_pem
    app_settings.WALLET_WEB_SERVICE_URL = "https://loopin.example/api/wallet"
    return app_settings


@dataclass
class Guest:
    api: Any
    user: Any
    headers: dict[str, str]
    ticket: Any
    event: Any


@pytest.fixture
def guest(api: Any, wallet_settings: Any) -> Guest:
    """A guest holding a ticket of a published event at a venue with coordinates, in three days at 19:00 IST."""
    start = (timezone.now() + timedelta(days=3)).replace(hour=13, minute=30, second=0, microsecond=0)
    venue = VenueFactory(name="Blue Frog", city="Mumbai", latitude=Decimal("19.017615"), longitude=Decimal("72.856164"))
    event = PublishedEventFactory(title="Jazz Night", venue=venue, start_at=start, end_at=start + timedelta(hours=3))
    user = UserWithProfileFactory(name="Asha Guest")
    ticket = attendance_confirm(user=user, event_id=event.id)
    return Guest(api=api, user=user, headers=token_for(user), ticket=ticket, event=event)


def unzip(raw: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as bundle:
        return {name: bundle.read(name) for name in bundle.namelist()}


def pass_json_of(raw: bytes) -> dict[str, Any]:
    return json.loads(unzip(raw)["pass.json"])


@dataclass
class FakeApns:
    requests: list[httpx.Request]
    answer: tuple[int, dict[str, Any]] = (200, {})

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status, body = self.answer
        return httpx.Response(status, json=body) if body else httpx.Response(status)

    def tokens(self) -> list[str]:
        return [r.url.path.rsplit("/", 1)[1] for r in self.requests]


@pytest.fixture
def apns() -> Any:
    """The real APNs backend over a fake HTTP transport that records every request."""
    fake = FakeApns(requests=[])
    use_pass_push_backend(ApnsPassPush(transport=httpx.MockTransport(fake.handler), base_url="https://apns.test"))
    yield fake
    use_pass_push_backend(None)
