"""Add to Google Wallet: the save link's JWT, verified with the public half of a key made for the test."""

from __future__ import annotations

import time
from datetime import UTC, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from loopin.participation.attendance import attendance_cancel, attendance_confirm
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory, VenueFactory
from loopin.testing.fixtures import token_for
from loopin.tickets import signing

pytestmark = pytest.mark.django_db(transaction=True)

ISSUER = "3388000000022222228"
EMAIL = "wallet@loopin-test.iam.gserviceaccount.com"


def _pem(key: Any) -> str:
    return key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()


@pytest.fixture
def wallet_key(app_settings: Any) -> rsa.RSAPrivateKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    app_settings.GOOGLE_WALLET_ISSUER_ID = ISSUER
    app_settings.GOOGLE_WALLET_SERVICE_ACCOUNT_EMAIL = EMAIL
    app_settings.GOOGLE_WALLET_PRIVATE_KEY = _pem(key)
    app_settings.GOOGLE_WALLET_ORIGINS = ["https://loopinsocial.in"]
    return key


@pytest.fixture
def holder(api: Any) -> dict[str, Any]:
    venue = VenueFactory(name="Blue Frog", address="1 MG Road", city="Bengaluru")
    event = PublishedEventFactory(title="Jazz night", venue=venue)
    ticket = attendance_confirm(user=UserWithProfileFactory(name="Asha Guest"), event_id=event.id)
    return {"event": event, "ticket": ticket, "headers": token_for(ticket.user)}


def _claims(api: Any, holder: dict[str, Any], key: rsa.RSAPrivateKey) -> dict[str, Any]:
    r = api.get(f"/api/v2/tickets/{holder['ticket'].id}/google-wallet", headers=holder["headers"])
    assert r.status_code == 200, r.text
    save_url = r.json()["data"]["save_url"]
    assert save_url.startswith("https://pay.google.com/gp/v/save/")
    token = save_url.removeprefix("https://pay.google.com/gp/v/save/")
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "typ": "JWT"}
    return jwt.decode(token, key.public_key(), algorithms=["RS256"], audience="google")


def _iso(at: Any) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_save_link_is_a_signed_jwt_with_the_event_class_and_the_ticket_object(api, holder, wallet_key):
    event, ticket = holder["event"], holder["ticket"]
    before = int(time.time())

    claims = _claims(api, holder, wallet_key)

    assert before <= claims.pop("iat") <= int(time.time())
    barcode = claims["payload"]["eventTicketObjects"][0]["barcode"]
    parsed, _, _ = signing.token_parse(barcode["value"])
    assert (parsed.ticket_id, parsed.event_id, parsed.seats) == (ticket.id, event.id, 1)
    assert claims == {
        "iss": EMAIL,
        "aud": "google",
        "typ": "savetowallet",
        "origins": ["https://loopinsocial.in"],
        "payload": {
            "eventTicketClasses": [
                {
                    "id": f"{ISSUER}.{event.id}",
                    "issuerName": "Loopin",
                    "reviewStatus": "UNDER_REVIEW",
                    "eventId": str(event.id),
                    "eventName": {"defaultValue": {"language": "en", "value": "Jazz night"}},
                    "venue": {
                        "name": {"defaultValue": {"language": "en", "value": "Blue Frog"}},
                        "address": {"defaultValue": {"language": "en", "value": "1 MG Road, Bengaluru"}},
                    },
                    "dateTime": {"start": _iso(event.start_at), "end": _iso(event.end_at)},
                    "homepageUri": {
                        "uri": f"http://testserver/in/bengaluru/events/jazz-night--{event.canonical_id}",
                        "description": "Event page",
                    },
                }
            ],
            "eventTicketObjects": [
                {
                    "id": f"{ISSUER}.{ticket.id}",
                    "classId": f"{ISSUER}.{event.id}",
                    "state": "ACTIVE",
                    "ticketHolderName": "Asha Guest",
                    "ticketNumber": ticket.code,
                    "ticketType": {"defaultValue": {"language": "en", "value": "General admission"}},
                    "textModulesData": [{"id": "seats", "header": "Seats", "body": "1 seat"}],
                    "validTimeInterval": {
                        "start": {"date": _iso(event.start_at - timedelta(minutes=60))},
                        "end": {"date": _iso(event.end_at + timedelta(hours=12))},
                    },
                    "barcode": {"type": "QR_CODE", "value": barcode["value"], "alternateText": ticket.code},
                }
            ],
        },
    }


def test_the_barcode_is_the_ticket_s_qr_code(api, holder, wallet_key):
    claims = _claims(api, holder, wallet_key)
    r = api.get(f"/api/v2/me/tickets/{holder['ticket'].id}/qr?format=token", headers=holder["headers"])
    assert claims["payload"]["eventTicketObjects"][0]["barcode"]["value"] == r.json()["data"]["token"]


def test_a_cancelled_ticket_is_inactive_without_a_barcode(api, holder, wallet_key):
    attendance_cancel(user=holder["ticket"].user, event_id=holder["event"].id)

    obj = _claims(api, holder, wallet_key)["payload"]["eventTicketObjects"][0]

    assert obj["state"] == "INACTIVE"
    assert "barcode" not in obj


def test_origins_default_to_the_public_address(api, holder, wallet_key, app_settings):
    app_settings.GOOGLE_WALLET_ORIGINS = []
    assert _claims(api, holder, wallet_key)["origins"] == ["http://testserver"]


def test_without_configuration_the_link_is_refused_with_a_clear_code(api, holder, app_settings):
    app_settings.GOOGLE_WALLET_ISSUER_ID = ""
    app_settings.GOOGLE_WALLET_SERVICE_ACCOUNT_EMAIL = EMAIL
    app_settings.GOOGLE_WALLET_PRIVATE_KEY = ""

    r = api.get(f"/api/v2/tickets/{holder['ticket'].id}/google-wallet", headers=holder["headers"])

    assert r.status_code == 503
    body = r.json()
    assert body["error_code"] == "GOOGLE_WALLET_NOT_CONFIGURED"
    assert body["error"] == (
        "Google Wallet is not set up on this server (missing GOOGLE_WALLET_ISSUER_ID, GOOGLE_WALLET_PRIVATE_KEY)."
    )


def test_a_key_that_is_not_rsa_is_refused(api, holder, wallet_key, app_settings):
    app_settings.GOOGLE_WALLET_PRIVATE_KEY = _pem(ec.generate_private_key(ec.SECP256R1()))
    r = api.get(f"/api/v2/tickets/{holder['ticket'].id}/google-wallet", headers=holder["headers"])
    assert r.status_code == 503
    assert r.json()["error_code"] == "GOOGLE_WALLET_NOT_CONFIGURED"


def test_someone_elses_ticket_is_not_found(api, holder, wallet_key):
    r = api.get(f"/api/v2/tickets/{holder['ticket'].id}/google-wallet", headers=token_for(UserWithProfileFactory()))
    assert r.status_code == 404
    assert r.json()["error_code"] == "TICKET_NOT_FOUND"
