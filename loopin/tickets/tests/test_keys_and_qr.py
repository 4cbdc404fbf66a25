"""Signed QR codes: the attendee's image, the public keys, rotation and retirement, revocations."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from loopin.participation.tickets import ticket_cancel
from loopin.testing.fixtures import token_for
from loopin.tickets import signing
from loopin.tickets.models import CheckinKey, Ticket, TicketStatus
from loopin.tickets.tests.conftest import guest_with_ticket, open_event


def test_png_and_svg_qr_images(door):
    png = door.api.get(f"/api/v2/me/tickets/{door.ticket.id}/qr?format=png", headers=door.guest_headers)
    assert (png.status_code, png.headers["content-type"]) == (200, "image/png")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    svg = door.api.get(f"/api/v2/me/tickets/{door.ticket.id}/qr?format=svg", headers=door.guest_headers)
    assert (svg.status_code, svg.headers["content-type"]) == (200, "image/svg+xml")
    assert b"<svg" in svg.content


def test_token_carries_ticket_event_seats_window_and_kid_and_verifies_with_the_public_key(door):
    data = door.api.get(f"/api/v2/me/tickets/{door.ticket.id}/qr?format=token", headers=door.guest_headers).json()[
        "data"
    ]
    claims, payload, signature = signing.token_parse(data["token"])
    assert (claims.ticket_id, claims.event_id, claims.seats) == (door.ticket.id, door.event.id, 1)
    assert claims.valid_until == door.event.end_at.replace(microsecond=0) + signing.VALID_AFTER_END
    keys = door.api.get(f"/api/v2/events/{door.event.id}/check-in/keys", headers=door.host_headers).json()["data"]
    assert [(k["kid"], k["algorithm"], k["is_active"]) for k in keys] == [(claims.kid, "Ed25519", True)]
    raw = base64.urlsafe_b64decode(keys[0]["public_key"] + "=")
    Ed25519PublicKey.from_public_bytes(raw).verify(signature, payload)  # raises if not signed by this key


def test_private_key_is_encrypted_at_rest(door):
    door.qr()
    key = CheckinKey.objects.get()
    assert key.private_key_encrypted.startswith("gAAAA")  # a Fernet token, not the raw key
    assert len(signing.fernet().decrypt(key.private_key_encrypted.encode())) == 32


def test_only_the_holder_gets_the_qr(door):
    other = guest_with_ticket(door.event)
    r = door.api.get(f"/api/v2/me/tickets/{door.ticket.id}/qr", headers=token_for(other.user))
    assert (r.status_code, r.json()["error_code"]) == (404, "TICKET_NOT_FOUND")


def test_a_cancelled_ticket_has_no_qr(door):
    door.api.delete(f"/api/v2/events/{door.event.id}/attendance", headers=door.guest_headers)
    r = door.api.get(f"/api/v2/me/tickets/{door.ticket.id}/qr", headers=door.guest_headers)
    assert (r.status_code, r.json()["error_code"]) == (409, "TICKET_NOT_VALID")


def test_after_rotation_old_codes_still_verify_and_new_codes_use_the_new_key(door):
    old_token = door.qr()
    r = door.api.post(f"/api/v2/events/{door.event.id}/check-in/keys/rotate", headers=door.host_headers)
    assert r.status_code == 200
    new_kid = r.json()["data"]["kid"]
    keys = door.api.get(f"/api/v2/events/{door.event.id}/check-in/keys", headers=door.host_headers).json()["data"]
    assert [(k["kid"] == new_kid, k["is_active"], k["retired_at"]) for k in keys] == [
        (True, True, None),
        (False, False, None),
    ]
    assert signing.token_parse(door.qr())[0].kid == new_kid
    assert door.status(qr=old_token) == "ok"


def test_retiring_the_old_key_invalidates_its_codes(door):
    old_token = door.qr()
    r = door.api.post(
        f"/api/v2/events/{door.event.id}/check-in/keys/rotate",
        json={"retire_previous": True},
        headers=door.host_headers,
    )
    assert r.status_code == 200
    r = door.scan(qr=old_token)
    assert (r.json()["data"]["status"], r.json()["data"]["reason"]) == ("invalid", "retired_key")
    assert door.status(qr=door.qr()) == "ok"
    revoked = door.api.get(f"/api/v2/events/{door.event.id}/check-in/revoked", headers=door.host_headers).json()["data"]
    assert revoked["retired_kids"] == [signing.token_parse(old_token)[0].kid]


def test_revocation_list_has_cancelled_and_refunded_tickets_since_a_time(door):
    url = f"/api/v2/events/{door.event.id}/check-in/revoked"
    assert door.api.get(url, headers=door.host_headers).json()["data"]["tickets"] == []
    door.api.delete(f"/api/v2/events/{door.event.id}/attendance", headers=door.guest_headers)
    first = door.api.get(url, headers=door.host_headers).json()["data"]
    assert [(t["code"], t["status"]) for t in first["tickets"]] == [(door.ticket.code, "cancelled")]
    refunded = guest_with_ticket(door.event)
    ticket_cancel(ticket=Ticket.objects.get(id=refunded.id), reason="refund", status=TicketStatus.REFUNDED)
    later = door.api.get(url, params={"since": first["as_of"]}, headers=door.host_headers).json()["data"]
    assert [(t["ticket_id"], t["status"]) for t in later["tickets"]] == [(str(refunded.id), "refunded")]


def test_a_changed_key_secret_moves_signing_to_a_new_key_and_old_codes_still_verify(door, app_settings):
    old_token = door.qr()
    app_settings.CHECKIN_KEYS_SECRET = "another-secret-for-the-checkin-signing-keys"
    new_token = door.qr()
    assert signing.token_parse(new_token)[0].kid != signing.token_parse(old_token)[0].kid
    assert list(CheckinKey.objects.order_by("created_at").values_list("is_active", flat=True)) == [False, True]
    assert door.status(qr=old_token) == "ok"


def test_a_code_with_more_seats_written_in_is_invalid(door):
    claims, payload, signature = signing.token_parse(door.qr())
    tampered = payload[:33] + bytes([5]) + payload[34:]  # the seats byte
    r = door.scan(qr=signing.PREFIX + signing.b64e(tampered + signature))
    assert (r.json()["data"]["status"], r.json()["data"]["reason"]) == ("invalid", "bad_signature")


def test_a_code_signed_with_another_events_key_for_this_event_is_invalid(door):
    other = open_event(host=door.host)
    other_key = signing.active_key(other.id)
    claims, _, _ = signing.token_parse(door.qr())
    forged = signing.token_sign(
        replace(claims, kid=other_key.kid), private_key_encrypted=other_key.private_key_encrypted
    )
    r = door.scan(qr=forged)
    assert (r.json()["data"]["status"], r.json()["data"]["reason"]) == ("invalid", "bad_signature")


def test_an_expired_code_is_invalid(door):
    key = signing.active_key(door.event.id)
    claims, _, _ = signing.token_parse(door.qr())
    old = replace(claims, valid_until=claims.valid_from - timedelta(minutes=1))
    r = door.scan(qr=signing.token_sign(old, private_key_encrypted=key.private_key_encrypted))
    assert (r.json()["data"]["status"], r.json()["data"]["reason"]) == ("invalid", "expired")
