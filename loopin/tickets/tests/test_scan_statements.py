"""The scan's cost in statements, pinned (issue 22), and what the per-process key cache must not change.

A QR scan is: the event with its door settings and the check of who may work its door (door staff, co-host, role in
its organisation: one statement for everyone), the ticket under its lock (with the person, their picture
and the key's retirement), the ticket's write with the scan row (one statement on PostgreSQL), the audit entry.
The signing key is read once per process; its retirement is read live, so retiring a key refuses its codes at
once in every process.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loopin.events.models import CoHost
from loopin.organisations.tests.conftest import make_org
from loopin.testing.concurrency import run_at_once
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.tickets import signing
from loopin.tickets.door import ScanIn, checkin_key_rotate, checkin_scan
from loopin.tickets.door.scan_sql import keys_forget
from loopin.tickets.models import DoorStaff, Scan, Ticket
from loopin.tickets.tests.conftest import guest_with_ticket, open_event


def _statements(context: CaptureQueriesContext) -> list[str]:
    """What each captured statement does, by its table; transaction control (SQLite's BEGIN IMMEDIATE, COMMIT, the
    test's savepoints) left out."""
    shapes = []
    for query in context.captured_queries:
        sql = query["sql"].replace('"', "")
        if sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT")):
            continue
        verb = sql.split()[0]
        table = sql.split(" FROM ")[-1].split()[0] if verb == "SELECT" else sql.split(" INTO ")[-1].split()[0]
        if sql.startswith("WITH changed AS (UPDATE tickets_ticket"):
            verb = "UPDATE tickets_ticket + INSERT"
        elif verb == "UPDATE":
            table = sql.split()[1]
        shapes.append(f"{verb} {table}" + (" FOR UPDATE" if "FOR UPDATE" in sql else ""))
    return shapes


def _qr_scan(door, ticket=None):
    return ScanIn(nonce=uuid.uuid4().hex, qr=signing.ticket_token(ticket or door.ticket))


def _write() -> list[str]:
    if connection.vendor == "postgresql":
        return ["UPDATE tickets_ticket + INSERT tickets_scan"]
    return ["UPDATE tickets_ticket", "INSERT tickets_scan"]


def _lock() -> str:
    return "SELECT tickets_ticket" + (" FOR UPDATE" if connection.vendor == "postgresql" else "")


def test_an_admitting_qr_scan_runs_four_statements_on_postgresql_five_on_sqlite(door):
    warm = guest_with_ticket(door.event)
    scan = _qr_scan(door)
    checkin_scan(actor=door.host, event_id=door.event.id, scan=_qr_scan(door, warm))  # the key is now cached
    with CaptureQueriesContext(connection) as context:
        result = checkin_scan(actor=door.host, event_id=door.event.id, scan=scan)
    assert result["status"] == "ok"
    assert _statements(context) == ["SELECT events_event", _lock(), *_write(), "INSERT audit_auditentry"]


@pytest.mark.parametrize("who", ["door_staff", "co_host", "org_door_member"])
def test_door_staff_a_co_host_and_an_organisations_door_member_scan_in_as_many_statements_as_the_host(interests, who):
    """Who may work the door is asked in the event's own statement (before: a co-host 1 more, a member 2 more)."""
    if who == "org_door_member":
        org = make_org()
        start = timezone.now() + timedelta(minutes=30)
        event = PublishedEventFactory(
            host=org.manager, organisation=org.organisation, start_at=start, end_at=start + timedelta(hours=3)
        )
        scanner = org.door
    else:
        event = open_event()
        scanner = UserWithProfileFactory()
        if who == "door_staff":
            DoorStaff.objects.create(event=event, user=scanner)
        else:
            CoHost.objects.create(event=event, user=scanner, accepted_at=timezone.now())
    warm, ticket = guest_with_ticket(event), guest_with_ticket(event)
    scan = _qr_scan(None, ticket)
    checkin_scan(actor=scanner, event_id=event.id, scan=_qr_scan(None, warm))  # the key is now cached
    with CaptureQueriesContext(connection) as context:
        result = checkin_scan(actor=scanner, event_id=event.id, scan=scan)
    assert result["status"] == "ok"
    assert _statements(context) == ["SELECT events_event", _lock(), *_write(), "INSERT audit_auditentry"]


def test_a_refused_scan_writes_only_the_scan_and_the_audit_and_a_cold_key_is_read_once(door):
    keys_forget()
    checkin_scan(actor=door.host, event_id=door.event.id, scan=_qr_scan(door))
    scans = [_qr_scan(door), _qr_scan(door)]
    with CaptureQueriesContext(connection) as context:
        again = checkin_scan(actor=door.host, event_id=door.event.id, scan=scans[0])
    assert (again["status"], again["reason"]) == ("already_checked_in", "inside")
    assert _statements(context) == ["SELECT events_event", _lock(), "INSERT tickets_scan", "INSERT audit_auditentry"]
    keys_forget()
    with CaptureQueriesContext(connection) as cold:
        checkin_scan(actor=door.host, event_id=door.event.id, scan=scans[1])
    assert _statements(cold) == [  # + the key, once per process
        "SELECT events_event",
        "SELECT tickets_checkinkey",
        _lock(),
        "INSERT tickets_scan",
        "INSERT audit_auditentry",
    ]


def test_a_key_retired_after_it_was_cached_refuses_its_codes_at_once(door):
    old = signing.ticket_token(door.ticket)
    other = guest_with_ticket(door.event)
    first = checkin_scan(actor=door.host, event_id=door.event.id, scan=ScanIn(nonce="n-1", qr=old))
    assert first["status"] == "ok"  # the key is cached in this process now
    checkin_key_rotate(host=door.host, event_id=door.event.id, retire_previous=True)
    stale = checkin_scan(actor=door.host, event_id=door.event.id, scan=_qr_scan(door, other))
    assert (stale["status"], stale["reason"]) == ("ok", None)  # a new code, signed by the new key
    again = checkin_scan(actor=door.host, event_id=door.event.id, scan=ScanIn(nonce="n-3", qr=old, direction="exit"))
    assert (again["status"], again["reason"], again["ticket"]) == ("invalid", "retired_key", None)
    assert Ticket.objects.get(id=door.ticket.id).inside is True


@pytest.mark.parametrize("method", ["qr", "code"])
def test_eight_scanners_at_once_on_one_ticket_admit_it_once(interests, method):
    event = open_event()
    ticket = guest_with_ticket(event)
    staff = UserWithProfileFactory()
    DoorStaff.objects.create(event=event, user=staff)
    scanners = [event.host, staff] * 4
    what = {"qr": signing.ticket_token(ticket)} if method == "qr" else {"code": ticket.code}
    results = run_at_once(
        [
            lambda s=s: checkin_scan(actor=s, event_id=event.id, scan=ScanIn(nonce=uuid.uuid4().hex, **what))
            for s in scanners
        ]
    )
    assert Counter((r["status"], r["reason"]) for r in results) == Counter(
        {("ok", None): 1, ("already_checked_in", "inside"): 7}
    )
    ticket = Ticket.objects.get(id=ticket.id)
    assert (ticket.inside, ticket.entry_count) == (True, 1)
    assert Counter(Scan.objects.filter(ticket=ticket).values_list("result", flat=True)) == Counter(
        {"ok": 1, "already_checked_in": 7}
    )
