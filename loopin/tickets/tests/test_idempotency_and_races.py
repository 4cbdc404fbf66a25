"""The same nonce replays the same answer; two scanners at once admit a ticket exactly once.

On PostgreSQL the ticket's row lock (select_for_update) serialises the two decisions; on SQLite the
IMMEDIATE transactions do. Both must give one `ok` and one `already_checked_in`.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta

from django.utils import timezone

from loopin.testing.concurrency import run_at_once
from loopin.testing.factories import UserWithProfileFactory
from loopin.tickets.door import ScanIn, checkin_batch, checkin_scan
from loopin.tickets.models import DoorStaff, Scan, Ticket
from loopin.tickets.tests.conftest import guest_with_ticket, open_event


def test_same_nonce_returns_the_same_answer_and_changes_nothing(door):
    first = door.scan(code=door.ticket.code, nonce="nonce-0001")
    door.scan(code=door.ticket.code, direction="exit")
    again = door.scan(code=door.ticket.code, nonce="nonce-0001")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Scan.objects.filter(nonce="nonce-0001").count() == 1
    door.ticket.refresh_from_db()
    assert (door.ticket.inside, door.ticket.entry_count) == (False, 1)


def test_same_nonce_for_another_scan_is_a_conflict(door):
    door.scan(code=door.ticket.code, nonce="nonce-0002")
    r = door.scan(code=door.ticket.code, nonce="nonce-0002", direction="exit")
    assert (r.status_code, r.json()["error_code"]) == (409, "NONCE_REUSED")


def test_same_nonce_of_a_failed_scan_replays_the_failure(door):
    first = door.scan(code="ZZZZZZZZ", nonce="nonce-0003")
    again = door.scan(code="ZZZZZZZZ", nonce="nonce-0003")
    assert again.json() == first.json()
    assert Scan.objects.count() == 1


def _two_scanners(interests):
    event = open_event()
    ticket = guest_with_ticket(event)
    staff = UserWithProfileFactory()
    DoorStaff.objects.create(event=event, user=staff)
    return event, ticket, [event.host, staff]


def test_two_scanners_at_once_give_exactly_one_ok(interests):
    event, ticket, scanners = _two_scanners(interests)
    results = run_at_once(
        [
            lambda s=s: checkin_scan(
                actor=s, event_id=event.id, scan=ScanIn(nonce=uuid.uuid4().hex, code=ticket.code, device_id=str(s.id))
            )
            for s in scanners
        ]
    )
    assert Counter(r["status"] for r in results) == Counter({"ok": 1, "already_checked_in": 1})
    ticket = Ticket.objects.get(id=ticket.id)
    assert (ticket.inside, ticket.entry_count) == (True, 1)
    assert Scan.objects.filter(ticket=ticket).count() == 2


def test_eight_scanners_at_once_give_exactly_one_ok(interests):
    event, ticket, scanners = _two_scanners(interests)
    scanners = scanners * 4
    results = run_at_once(
        [
            lambda s=s: checkin_scan(actor=s, event_id=event.id, scan=ScanIn(nonce=uuid.uuid4().hex, code=ticket.code))
            for s in scanners
        ]
    )
    assert Counter(r["status"] for r in results) == Counter({"ok": 1, "already_checked_in": 7})
    assert Ticket.objects.get(id=ticket.id).entry_count == 1


def test_the_same_nonce_sent_twice_at_once_is_recorded_once(interests):
    event, ticket, scanners = _two_scanners(interests)
    host = scanners[0]
    results = run_at_once(
        [
            lambda: checkin_scan(actor=host, event_id=event.id, scan=ScanIn(nonce="same-nonce-1", code=ticket.code))
            for _ in range(2)
        ]
    )
    assert [r["status"] for r in results] == ["ok", "ok"]
    assert results[0] == results[1]
    assert Scan.objects.filter(nonce="same-nonce-1").count() == 1
    assert Ticket.objects.get(id=ticket.id).entry_count == 1


def test_two_offline_scanners_syncing_at_once_report_one_duplicate(interests):
    event, ticket, scanners = _two_scanners(interests)
    at = timezone.now() - timedelta(minutes=5)
    results = run_at_once(
        [
            lambda s=s, i=i: checkin_batch(
                actor=s,
                event_id=event.id,
                scans=[ScanIn(nonce=f"offline-{i}", code=ticket.code, scanned_at=at + timedelta(seconds=i))],
            )[0]
            for i, s in enumerate(scanners)
        ]
    )
    assert sorted((r["status"], r["duplicate"]) for r in results) == [("already_checked_in", True), ("ok", False)]
    assert Ticket.objects.get(id=ticket.id).entry_count == 1
    assert Scan.objects.filter(ticket=ticket, duplicate=True).count() == 1
