#!/usr/bin/env python
"""Check-in throughput: N concurrent scanners against a running Loopin server on PostgreSQL.

    DATABASE_URL=postgresql://… python scripts/checkin_bench.py --base-url http://127.0.0.1:8000 \
        --scanners 8 --tickets 2000

Prepares its own data straight in the database the server uses (DATABASE_URL): a host, an event whose
check-in is open, `--tickets` tickets with their signed QR codes, and `--scanners - 1` door staff. Then
every scanner (one thread, one keep-alive HTTP connection) scans its share of the tickets by QR. Each
ticket is scanned by two different scanners (contention on purpose): exactly one must get `ok`.
Prints a human summary and, last, one JSON line:
{"scenario": "checkin", "metrics": {"scanners", "scans", "scans_per_s", "p50_ms", "p99_ms", "double_entries"}}
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loopin.config.django_settings")


def prepare(n_tickets: int, n_scanners: int) -> tuple[str, list[str], list[tuple[str, str]]]:
    """(event id, one bearer token per scanner, [(ticket id, qr token)])."""
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from loopin.accounts.models import User
    from loopin.accounts.services import session_start
    from loopin.core.ids import short_code
    from loopin.events.models import Event, EventStatus
    from loopin.tickets.models import DoorStaff, Ticket, TicketSource
    from loopin.tickets.signing import ticket_token

    run = f"{random.randrange(10**4):04d}"  # noqa: S311 - distinct phone numbers per run
    now = timezone.now()
    with transaction.atomic():
        host = User.objects.create(phone_number=f"+9160{run}0000", name="Bench Host", is_verified=True)
        staff = User.objects.bulk_create(
            [
                User(phone_number=f"+9161{run}{i:04d}", name=f"Bench Staff {i}", is_verified=True)
                for i in range(1, n_scanners)
            ]
        )
        event = Event.objects.create(
            host=host,
            title=f"Check-in bench {run}",
            slug=f"check-in-bench-{run}",
            canonical_id=short_code(10),
            start_at=now + timedelta(minutes=30),
            end_at=now + timedelta(hours=4),
            status=EventStatus.PUBLISHED,
            published_at=now,
            allowed_genders=["all"],
        )
        DoorStaff.objects.bulk_create([DoorStaff(event=event, user=u, added_by=host) for u in staff])
        guests = User.objects.bulk_create(
            [User(phone_number=f"+9162{run}{i:05d}", name=f"Guest {i}", is_verified=True) for i in range(n_tickets)]
        )
        tickets = Ticket.objects.bulk_create(
            [Ticket(event=event, user=g, seats=1, source=TicketSource.OPEN, code=short_code(10)) for g in guests]
        )
        Event.objects.filter(id=event.id).update(going_count=n_tickets, seats_taken=n_tickets)
    for t in tickets:
        t.event = event
    qrs = [(str(t.id), ticket_token(t)) for t in tickets]
    tokens = [session_start(user=u).access_token for u in [host, *staff]]
    return str(event.id), tokens, qrs


def scanner(base: str, event_id: str, token: str, work: list[tuple[str, str]], out: list, lock: threading.Lock) -> None:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    mine = []
    for ticket_id, qr in work:
        body = json.dumps({"qr": qr, "direction": "entry", "nonce": uuid.uuid4().hex, "device_id": token[-8:]})
        started = time.perf_counter()
        try:
            conn.request("POST", f"/api/v2/events/{event_id}/check-in", body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
            mine.append((ticket_id, "transport_error", (time.perf_counter() - started) * 1000))
            continue
        elapsed = (time.perf_counter() - started) * 1000
        status = json.loads(payload)["data"]["status"] if response.status == 200 else f"http_{response.status}"
        mine.append((ticket_id, status, elapsed))
    conn.close()
    with lock:
        out.extend(mine)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--scanners", type=int, default=8)
    parser.add_argument("--tickets", type=int, default=2000)
    args = parser.parse_args()
    if args.scanners < 2:
        parser.error("--scanners must be at least 2 (each ticket is scanned by two of them)")

    from loopin.core.settings import get_settings

    if not get_settings().uses_postgres:
        print("warning: DATABASE_URL is not PostgreSQL; the server must use this same database", file=sys.stderr)
    print(f"preparing {args.tickets} tickets and {args.scanners} scanners …", flush=True)
    event_id, tokens, qrs = prepare(args.tickets, args.scanners)

    # Ticket i is scanned by scanner i % n and by scanner (i + 1) % n: two scanners race for every ticket.
    n = args.scanners
    work: list[list[tuple[str, str]]] = [[] for _ in range(n)]
    for i, item in enumerate(qrs):
        work[i % n].append(item)
        work[(i + 1) % n].append(item)
    for w in work:
        random.shuffle(w)

    results: list[tuple[str, str, float]] = []
    lock = threading.Lock()
    threads = [
        threading.Thread(target=scanner, args=(args.base_url, event_id, tokens[s], work[s], results, lock))
        for s in range(n)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started

    statuses = Counter(status for _, status, _ in results)
    oks = Counter(ticket for ticket, status, _ in results if status == "ok")
    double_entries = sum(1 for c in oks.values() if c > 1)
    from loopin.tickets.models import Scan, Ticket

    db_double = Ticket.objects.filter(event_id=event_id, entry_count__gt=1).count()
    db_ok = Scan.objects.filter(event_id=event_id, result="ok", direction="entry").count()
    latencies = [ms for _, _, ms in results]
    metrics = {
        "scanners": n,
        "scans": len(results),
        "scans_per_s": round(len(results) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "double_entries": double_entries + db_double,
    }
    print(f"{len(results)} scans by {n} scanners in {elapsed:.2f} s: {metrics['scans_per_s']} scans/s")
    print(f"latency p50 {metrics['p50_ms']} ms, p99 {metrics['p99_ms']} ms")
    print(f"answers: {dict(statuses)}")
    print(
        f"tickets admitted: {len(oks)} of {args.tickets}; ok entry scans stored: {db_ok}; double entries: "
        f"{metrics['double_entries']}"
    )
    print(json.dumps({"scenario": "checkin", "metrics": metrics}))
    return 0 if metrics["double_entries"] == 0 and len(oks) == args.tickets else 1


if __name__ == "__main__":
    sys.exit(main())
