"""Offline scans: applied in time order, one result each, duplicate admissions reported, not hidden."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for
from loopin.tickets.models import DoorStaff, Scan
from loopin.tickets.tests.conftest import guest_with_ticket


def _at(minutes_ago: int) -> str:
    return (timezone.now() - timedelta(minutes=minutes_ago)).isoformat()


def _batch(door, scans, device="gate-a", headers=None):
    r = door.api.post(
        f"/api/v2/events/{door.event.id}/check-in/batch",
        json={"device_id": device, "scans": scans},
        headers=headers or door.host_headers,
    )
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_out_of_order_scans_are_applied_in_time_order(door):
    code = door.ticket.code
    data = _batch(
        door,
        [
            {"code": code, "direction": "exit", "nonce": "off-exit-1", "scanned_at": _at(10)},
            {"code": code, "direction": "entry", "nonce": "off-entry-1", "scanned_at": _at(20)},
        ],
    )
    assert [(r["index"], r["nonce"], r["status"]) for r in data["results"]] == [
        (1, "off-entry-1", "ok"),
        (0, "off-exit-1", "ok"),
    ]
    assert (data["applied"], data["ok"], data["duplicates"], data["failed"]) == (2, 2, 0, 0)
    door.ticket.refresh_from_db()
    assert (door.ticket.inside, door.ticket.entry_count) == (False, 1)
    assert door.ticket.checked_in_at.isoformat() == Scan.objects.get(nonce="off-entry-1").scanned_at.isoformat()


def test_two_offline_scanners_admitting_one_ticket_are_reported(door):
    staff = UserWithProfileFactory(name="Sam Staff")
    DoorStaff.objects.create(event=door.event, user=staff)
    first = _batch(door, [{"code": door.ticket.code, "nonce": "gate-a-0001", "scanned_at": _at(20)}], device="gate-a")
    second = _batch(
        door,
        [{"code": door.ticket.code, "nonce": "gate-b-0001", "scanned_at": _at(15)}],
        device="gate-b",
        headers=token_for(staff),
    )
    assert first["results"][0]["status"] == "ok"
    result = second["results"][0]
    assert (result["status"], result["reason"], result["duplicate"]) == ("already_checked_in", "inside", True)
    admission = Scan.objects.get(nonce="gate-a-0001")
    assert result["conflict"]["scan_id"] == str(admission.id)
    assert (result["conflict"]["device_id"], result["conflict"]["scanned_by"], result["conflict"]["offline"]) == (
        "gate-a",
        "Hema Host",
        True,
    )
    assert second["duplicates"] == 1
    assert Scan.objects.get(nonce="gate-b-0001").duplicate is True


def test_an_offline_scan_older_than_the_last_online_one_is_a_duplicate_that_changes_nothing(door):
    door.scan(code=door.ticket.code)  # admitted online just now
    door.scan(code=door.ticket.code, direction="exit")
    data = _batch(door, [{"code": door.ticket.code, "nonce": "late-sync-1", "scanned_at": _at(20)}])
    result = data["results"][0]
    assert (result["status"], result["reason"], result["duplicate"]) == ("already_checked_in", "out_of_order", True)
    door.ticket.refresh_from_db()
    assert (door.ticket.inside, door.ticket.entry_count) == (False, 1)


def test_two_entries_of_one_ticket_in_one_batch_flag_the_second(door):
    other = guest_with_ticket(door.event)
    data = _batch(
        door,
        [
            {"code": door.ticket.code, "nonce": "dup-0002", "scanned_at": _at(10)},
            {"code": other.code, "nonce": "dup-0003", "scanned_at": _at(12)},
            {"code": door.ticket.code, "nonce": "dup-0001", "scanned_at": _at(18)},
        ],
    )
    assert [(r["nonce"], r["status"], r["duplicate"]) for r in data["results"]] == [
        ("dup-0001", "ok", False),
        ("dup-0003", "ok", False),
        ("dup-0002", "already_checked_in", True),
    ]
    assert (data["ok"], data["duplicates"], data["failed"]) == (2, 1, 1)


def test_sending_a_batch_again_replays_it(door):
    scans = [
        {"code": door.ticket.code, "nonce": "again-0001", "scanned_at": _at(20)},
        {"code": "ZZZZZZZZ", "nonce": "again-0002", "scanned_at": _at(19)},
    ]
    first = _batch(door, scans)
    second = _batch(door, scans)
    assert second == first
    assert Scan.objects.count() == 2


def test_offline_scan_before_opening_is_not_yet_open(door):
    data = _batch(door, [{"code": door.ticket.code, "nonce": "early-0001", "scanned_at": _at(45)}])
    assert data["results"][0]["status"] == "not_yet_open"


def test_batch_scans_need_their_time(door):
    r = door.api.post(
        f"/api/v2/events/{door.event.id}/check-in/batch",
        json={"scans": [{"code": door.ticket.code, "nonce": "no-time-01"}]},
        headers=door.host_headers,
    )
    assert (r.status_code, r.json()["error_code"]) == (422, "VALIDATION_ERROR")


def test_a_scan_time_in_the_future_refuses_the_whole_batch(door):
    r = door.api.post(
        f"/api/v2/events/{door.event.id}/check-in/batch",
        json={
            "scans": [
                {"code": door.ticket.code, "nonce": "past-0001", "scanned_at": _at(10)},
                {"code": door.ticket.code, "nonce": "future-01", "scanned_at": _at(-30)},
            ]
        },
        headers=door.host_headers,
    )
    assert (r.status_code, r.json()["error_code"]) == (422, "VALIDATION_ERROR")
    assert r.json()["details"]["fields"][0]["field"] == "scans.1.scanned_at"
    assert Scan.objects.count() == 0


def test_a_nonce_reused_for_another_scan_refuses_the_whole_batch(door):
    door.scan(code=door.ticket.code, nonce="used-0001")
    r = door.api.post(
        f"/api/v2/events/{door.event.id}/check-in/batch",
        json={
            "scans": [
                {"code": door.ticket.code, "direction": "exit", "nonce": "fresh-0001", "scanned_at": _at(1)},
                {"code": "ZZZZZZZZ", "nonce": "used-0001", "scanned_at": _at(2)},
            ]
        },
        headers=door.host_headers,
    )
    assert (r.status_code, r.json()["error_code"], r.json()["details"]) == (409, "NONCE_REUSED", {"nonce": "used-0001"})
    assert Scan.objects.count() == 1


def test_one_nonce_for_two_different_scans_in_a_batch_refuses_it(door):
    r = door.api.post(
        f"/api/v2/events/{door.event.id}/check-in/batch",
        json={
            "scans": [
                {"code": door.ticket.code, "nonce": "twice-0001", "scanned_at": _at(3)},
                {"code": door.ticket.code, "direction": "exit", "nonce": "twice-0001", "scanned_at": _at(2)},
            ]
        },
        headers=door.host_headers,
    )
    assert (r.status_code, r.json()["error_code"]) == (409, "NONCE_REUSED")
    assert Scan.objects.count() == 0
