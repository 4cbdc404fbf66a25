"""Apple's pass web service: register, list changed serials, latest pass (304), unregister, 401; pushes on change."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

from loopin.core.time import display_zone
from loopin.testing.fixtures import token_for
from loopin.wallet.models import WalletDevice, WalletPass, WalletRegistration
from loopin.wallet.tests.conftest import PASS_TYPE, pass_json_of

DEVICE = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
PUSH = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
BASE = "/api/wallet/v1"


def install(guest):
    """Download the pass as a phone would, and return its authorization header."""
    r = guest.api.get(f"/api/v2/tickets/{guest.ticket.id}/wallet.pkpass", headers=guest.headers)
    assert r.status_code == 200, r.text
    return {"Authorization": f"ApplePass {pass_json_of(r.content)['authenticationToken']}"}


def registration(guest, device=DEVICE):
    return f"{BASE}/devices/{device}/registrations/{PASS_TYPE}/{guest.ticket.id}"


def register(guest, auth, device=DEVICE, push=PUSH):
    return guest.api.post(registration(guest, device), json={"pushToken": push}, headers=auth)


def serials(guest, device=DEVICE, since=None):
    query = f"?passesUpdatedSince={since}" if since else ""
    return guest.api.get(f"{BASE}/devices/{device}/registrations/{PASS_TYPE}{query}")


def test_register_is_201_then_200_and_stores_the_push_token(guest):
    auth = install(guest)
    assert register(guest, auth).status_code == 201
    assert register(guest, auth).status_code == 200
    device = WalletDevice.objects.get()
    assert (device.device_library_identifier, device.push_token) == (DEVICE, PUSH)
    assert WalletRegistration.objects.filter(device=device, wallet_pass_id=guest.ticket.id).count() == 1


def test_a_wrong_missing_or_other_scheme_token_is_401(guest):
    install(guest)
    for headers in ({"Authorization": "ApplePass not-the-token"}, {}, {"Authorization": "Bearer x"}):
        r = register(guest, headers)
        assert (r.status_code, r.json()["error_code"]) == (401, "WALLET_PASS_UNAUTHORIZED")
    assert WalletDevice.objects.count() == 0


def test_an_unknown_serial_or_pass_type_is_401(guest):
    auth = install(guest)
    other = guest.api.post(
        f"{BASE}/devices/{DEVICE}/registrations/pass.other.type/{guest.ticket.id}",
        json={"pushToken": PUSH},
        headers=auth,
    )
    unknown = guest.api.post(
        f"{BASE}/devices/{DEVICE}/registrations/{PASS_TYPE}/not-a-uuid", json={"pushToken": PUSH}, headers=auth
    )
    assert (other.status_code, unknown.status_code) == (401, 401)


def test_serials_list_every_registered_pass_then_only_changed_ones(guest):
    auth = install(guest)
    register(guest, auth)
    r = serials(guest)
    assert r.status_code == 200
    body = r.json()
    assert body["serialNumbers"] == [str(guest.ticket.id)]
    assert body["lastUpdated"].isdigit()
    assert serials(guest, since=body["lastUpdated"]).status_code == 204
    assert serials(guest, device="unknown-device").status_code == 204


def test_a_bad_update_tag_is_400(guest):
    r = serials(guest, since="yesterday")
    assert (r.status_code, r.json()["error_code"]) == (400, "WALLET_BAD_UPDATE_TAG")


def test_latest_pass_then_304_when_unchanged(guest):
    auth = install(guest)
    url = f"{BASE}/passes/{PASS_TYPE}/{guest.ticket.id}"
    r = guest.api.get(url, headers=auth)
    assert (r.status_code, r.headers["content-type"]) == (200, "application/vnd.apple.pkpass")
    assert pass_json_of(r.content)["serialNumber"] == str(guest.ticket.id)
    last_modified = r.headers["last-modified"]
    updated = WalletPass.objects.get().updated_at
    assert last_modified == format_datetime(updated, usegmt=True)
    assert guest.api.get(url, headers={**auth, "If-Modified-Since": last_modified}).status_code == 304
    older = format_datetime(updated - timedelta(seconds=2), usegmt=True)
    assert guest.api.get(url, headers={**auth, "If-Modified-Since": older}).status_code == 200
    assert guest.api.get(url, headers={"Authorization": "ApplePass wrong"}).status_code == 401


def test_unregister_removes_the_registration_and_the_device(guest):
    auth = install(guest)
    register(guest, auth)
    assert guest.api.delete(registration(guest), headers={"Authorization": "ApplePass wrong"}).status_code == 401
    assert WalletRegistration.objects.count() == 1
    assert guest.api.delete(registration(guest), headers=auth).status_code == 200
    assert (WalletRegistration.objects.count(), WalletDevice.objects.count()) == (0, 0)
    assert serials(guest).status_code == 204


def test_the_log_endpoint_takes_device_messages(guest):
    r = guest.api.post(f"{BASE}/log", json={"logs": ["[2026-12-02] Web service error for pass.in.loopinsocial.test"]})
    assert r.status_code == 200


def test_postponing_the_event_lists_the_pass_as_changed_and_pushes_each_device_once(guest, apns):
    auth = install(guest)
    register(guest, auth)
    second_push = "ab" * 32
    register(guest, auth, device="watch-0001", push=second_push)
    tag = serials(guest).json()["lastUpdated"]
    host = guest.event.host
    new_start = guest.event.start_at + timedelta(days=7)
    r = guest.api.post(
        f"/api/v2/events/{guest.event.id}/postpone",
        json={
            "reason": "Rain",
            "new_start_at": new_start.isoformat(),
            "new_end_at": (new_start + timedelta(hours=3)).isoformat(),
        },
        headers=token_for(host),
    )
    assert r.status_code == 200, r.text
    changed = serials(guest, since=tag)
    assert changed.status_code == 200
    assert changed.json()["serialNumbers"] == [str(guest.ticket.id)]
    assert sorted(apns.tokens()) == sorted([PUSH, second_push])
    assert {(r.method, r.headers["apns-topic"], r.content) for r in apns.requests} == {("POST", PASS_TYPE, b"{}")}
    latest = pass_json_of(guest.api.get(f"{BASE}/passes/{PASS_TYPE}/{guest.ticket.id}", headers=auth).content)
    aux = {f["key"]: f["value"] for f in latest["eventTicket"]["auxiliaryFields"]}
    assert aux["status"] == "Postponed"
    assert latest["relevantDate"] == f"{new_start.astimezone(display_zone()):%Y-%m-%d}T19:00:00+05:30"


def test_a_cancelled_ticket_voids_its_pass_and_pushes(guest, apns):
    auth = install(guest)
    register(guest, auth)
    guest.api.delete(f"/api/v2/events/{guest.event.id}/attendance", headers=guest.headers)
    assert apns.tokens() == [PUSH]
    latest = pass_json_of(guest.api.get(f"{BASE}/passes/{PASS_TYPE}/{guest.ticket.id}", headers=auth).content)
    assert latest["voided"] is True


def test_a_dead_push_token_forgets_the_device(guest, apns):
    auth = install(guest)
    register(guest, auth)
    apns.answer = (410, {"reason": "Unregistered"})
    guest.api.delete(f"/api/v2/events/{guest.event.id}/attendance", headers=guest.headers)
    assert apns.tokens() == [PUSH]
    assert (WalletDevice.objects.count(), WalletRegistration.objects.count()) == (0, 0)
