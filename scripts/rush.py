#!/usr/bin/env python
"""Ticket rush: many buyers try to buy the last seats of one paid event at the same moment.

    python scripts/rush.py --base-url http://127.0.0.1:8000 --buyers 200 --seats 20
    python scripts/rush.py --buyers 200 --seats 20 --tier-seats 5,20   # two tiers (5 and 20) under a shared 20

Runs against a live server on PostgreSQL (the one named by DATABASE_URL, which this script also opens to
prepare its data: a host, a paid event with `--seats` seats, `--buyers` buyers with sessions). Then:
1. every buyer POSTs /api/v2/payments/orders at once (threads released by one barrier);
2. every held order is paid through a signed sandbox webhook (as the checkout page's Pay button does);
3. the database is checked: tickets issued, seats taken, and oversold seats (must be 0) on the event's counter
   and, with `--tier-seats`, on every tier's (one tier per capacity given, buyers spread round-robin over
   them, all under the event's `--seats`).
Human output first; the last line is JSON: {"scenario": "rush", "metrics": {...}}.
`--holds-only` stops after step 1 and checks the event's counter (for bench/baseline.py's bare hold endpoint, which
takes no payments); `--tokens-out FILE` writes the SOLD_OUT buyers' `Authorization:` header lines there (the bench's
sold-out scenario replays them against the full event).
The server must process webhooks: embedded mode (no REDIS_URL) does it in the request; with Redis run a worker.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loopin.config.django_settings")
    import django

    django.setup()


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - our server
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read() or b"{}")
        except ValueError:
            return exc.code, {}
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        return 0, {"error": repr(exc)}


def _burst(calls: list, workers: int) -> tuple[list, float]:
    """Run all calls on `workers` threads released together; return (result, seconds after the start) and
    the wall time."""
    results: list = [None] * len(calls)
    started = 0.0
    barrier = threading.Barrier(min(workers, len(calls)) + 1)
    queue = list(enumerate(calls))
    lock = threading.Lock()

    def worker() -> None:
        barrier.wait()
        while True:
            with lock:
                if not queue:
                    return
                i, call = queue.pop()
            result = call()
            results[i] = (result, time.perf_counter() - started)

    threads = [threading.Thread(target=worker) for _ in range(min(workers, len(calls)))]
    for t in threads:
        t.start()
    started = time.perf_counter()
    barrier.wait()
    for t in threads:
        t.join()
    return results, time.perf_counter() - started


def prepare(
    *, buyers: int, seats: int, price: Decimal, tier_seats: tuple[int, ...] = ()
) -> tuple[object, list[object], list[dict[str, str]]]:
    """A host, a published open paid event with `seats` seats (and a tier per capacity in `tier_seats`: the
    default tier becomes the first), and `buyers` people with sessions."""
    from django.db import transaction
    from django.utils import timezone

    from loopin.accounts.models import User
    from loopin.accounts.services import interests_ensure_defaults, session_start
    from loopin.core.ids import short_code
    from loopin.events.models import Event, EventStatus, JoinMode, TicketTier, Visibility

    run = secrets.randbelow(90000) + 10000
    now = timezone.now()
    profile = {
        "is_verified": True,
        "profile_completed_at": now,
        "birth_date": date(1995, 1, 1),
        "gender": "female",
    }
    with transaction.atomic():
        interests_ensure_defaults()
        host = User.objects.create(phone_number=f"+9160{run}0000", name="Rush Host", is_host=True, **profile)
        event = Event.objects.create(
            host=host,
            title=f"Rush {run}",
            slug=f"rush-{run}",
            canonical_id=short_code(8).lower(),
            location_text="Bench hall",
            city="Bengaluru",
            start_at=now + timedelta(days=3),
            end_at=now + timedelta(days=3, hours=2),
            capacity=seats,
            is_paid=True,
            ticket_price=price,
            currency="INR",
            allowed_genders=["all"],
            join_mode=JoinMode.OPEN,
            visibility=Visibility.PUBLIC,
            status=EventStatus.PUBLISHED,
            published_at=now,
        )
        made = []
        if tier_seats:
            first = TicketTier.objects.get(event=event, is_default=True)
            TicketTier.objects.filter(id=first.id).update(name="Tier 1", capacity=tier_seats[0])
            made = [first] + [
                TicketTier.objects.create(event=event, name=f"Tier {i + 1}", price=price, capacity=cap)
                for i, cap in enumerate(tier_seats[1:], start=1)
            ]
        people = User.objects.bulk_create(
            [User(phone_number=f"+9161{run}{i:04d}", name=f"Buyer {i}", **profile) for i in range(buyers)]
        )
    headers = [
        {"Authorization": f"Bearer {session_start(user=u).access_token}", "Content-Type": "application/json"}
        for u in people
    ]
    return event, made, headers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--seats", type=int, default=20)
    parser.add_argument("--price", default="499.00")
    parser.add_argument(
        "--tier-seats", default="", help="tiers' own capacities, e.g. 5,20 (all under --seats); default: one price"
    )
    parser.add_argument("--concurrency", type=int, default=0, help="threads (default: one per buyer)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    parser.add_argument("--wait", type=float, default=60.0, help="seconds to wait for tickets after paying")
    parser.add_argument("--holds-only", action="store_true", help="only the holds (no payments, no tickets)")
    parser.add_argument("--tokens-out", default="", help="write the SOLD_OUT buyers' header lines to this file")
    args = parser.parse_args()
    base = args.base_url.rstrip("/")

    _setup_django()
    from loopin.events.models import Event, TicketTier
    from loopin.payments.models import Order, PaymentEvent
    from loopin.payments.providers.sandbox import sandbox_event
    from loopin.tickets.models import Ticket

    tier_seats = tuple(int(cap) for cap in args.tier_seats.split(",") if cap.strip())
    shape = f" in tiers of {', '.join(map(str, tier_seats))}" if tier_seats else ""
    print(f"rush: preparing {args.buyers} buyers and an event with {args.seats} seats{shape} ...", flush=True)
    event, tiers, buyer_headers = prepare(
        buyers=args.buyers, seats=args.seats, price=Decimal(args.price), tier_seats=tier_seats
    )
    bodies = [
        json.dumps(
            {"event_id": str(event.id), "seats": 1, "provider": "sandbox"}
            | ({"tier_id": str(tiers[i % len(tiers)].id)} if tiers else {})
        ).encode()
        for i in range(len(buyer_headers))
    ]
    calls = [
        (lambda h=h, b=b: _post(f"{base}/api/v2/payments/orders", b, h, args.timeout))
        for h, b in zip(buyer_headers, bodies, strict=True)
    ]
    workers = args.concurrency or args.buyers
    print(f"rush: {args.buyers} buyers order at once on {workers} threads against {base} ...", flush=True)
    results, order_seconds = _burst(calls, workers)
    outcomes = Counter(
        "held" if status == 200 else data.get("error_code") or f"HTTP {status}" for (status, data), _ in results
    )
    answer_times = sorted(at for _, at in results)
    p99_answer_s = answer_times[min(len(answer_times) - 1, int(len(answer_times) * 0.99))] if answer_times else 0.0
    held_ids = [data["data"]["id"] for (status, data), _ in results if status == 200]
    holds = len(held_ids)
    last_hold_s = max((at for (status, _), at in results if status == 200), default=0.0)
    print(
        f"rush: orders answered in {order_seconds:.2f} s: {dict(outcomes)}; last hold granted at {last_hold_s:.2f} s",
        flush=True,
    )

    if args.tokens_out:
        sold_out = [
            f"Authorization: {h['Authorization']}"
            for h, ((_status, data), _at) in zip(buyer_headers, results, strict=True)
            if data.get("error_code") == "SOLD_OUT"
        ]
        Path(args.tokens_out).write_text("\n".join(sold_out))
    if args.holds_only:
        taken = Event.objects.filter(id=event.id).values_list("seats_taken", flat=True).get()
        oversold = max(0, taken - args.seats) + max(0, holds - args.seats)
        print(f"rush: {holds} holds for {args.seats} seats; seats_taken={taken}; oversold={oversold}", flush=True)
        metrics = {
            "buyers": args.buyers,
            "seats": args.seats,
            "event_id": str(event.id),
            "holds": holds,
            "holds_per_s": round(holds / last_hold_s, 1) if last_hold_s else None,
            "orders_per_s": round(args.buyers / order_seconds, 1) if order_seconds else None,
            "order_burst_s": round(order_seconds, 3),
            "last_hold_s": round(last_hold_s, 3),
            "p99_answer_s": round(p99_answer_s, 3),
            "sold_out": outcomes.get("SOLD_OUT", 0),
            "errors": sum(v for k, v in outcomes.items() if k not in ("held", "SOLD_OUT")),
            "oversold": oversold,
        }
        print(json.dumps({"scenario": "rush", "metrics": metrics}))
        return 0 if oversold == 0 else 1

    orders = list(Order.objects.filter(id__in=held_ids))
    deliveries = [sandbox_event(o, "payment.succeeded") for o in orders]
    pay_calls = [
        (lambda d=d: _post(f"{base}/api/payments/webhooks/sandbox", d[0], d[1], args.timeout)) for d in deliveries
    ]
    pay_results, pay_seconds = _burst(pay_calls, workers) if pay_calls else ([], 0.0)
    paid_ok = sum(1 for (status, _), _at in pay_results if status == 200)
    print(f"rush: {paid_ok}/{len(pay_calls)} sandbox payments accepted in {pay_seconds:.2f} s", flush=True)

    deadline = time.monotonic() + args.wait
    while True:
        tickets = Ticket.objects.filter(event_id=event.id, status="valid")
        count = tickets.count()
        if count >= holds or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    ticket_seats = sum(tickets.values_list("seats", flat=True))
    unprocessed = PaymentEvent.objects.filter(order__event_id=event.id, processed_at__isnull=True).count()
    if unprocessed:
        print(f"rush: {unprocessed} stored webhooks are not processed yet (is a Celery worker running?)", flush=True)
    event = Event.objects.get(id=event.id)
    oversold = max(0, ticket_seats - args.seats) + max(0, event.seats_taken - args.seats)
    per_tier = {}
    for tier in TicketTier.objects.filter(id__in=[t.id for t in tiers]).order_by("name"):
        sold = sum(tickets.filter(tier_id=tier.id).values_list("seats", flat=True))
        oversold += max(0, sold - tier.capacity) + max(0, tier.seats_taken - tier.capacity)
        per_tier[tier.name] = {"tickets_seats": sold, "seats_taken": tier.seats_taken, "capacity": tier.capacity}
    if per_tier:
        print(f"rush: per tier {per_tier}", flush=True)
    print(
        f"rush: {count} tickets ({ticket_seats} seats) for {args.seats} seats; event seats_taken={event.seats_taken}, "
        f"going={event.going_count}; oversold={oversold}",
        flush=True,
    )
    metrics = {
        "buyers": args.buyers,
        "seats": args.seats,
        "event_id": str(event.id),
        "tiers": per_tier,
        "holds": holds,
        "holds_per_s": round(holds / last_hold_s, 1) if last_hold_s else None,  # until the seats were gone
        "orders_per_s": round(args.buyers / order_seconds, 1) if order_seconds else None,
        "order_burst_s": round(order_seconds, 3),
        "last_hold_s": round(last_hold_s, 3),
        "p99_answer_s": round(p99_answer_s, 3),
        "sold_out": outcomes.get("SOLD_OUT", 0),
        "tier_sold_out": outcomes.get("TIER_SOLD_OUT", 0),
        "errors": sum(v for k, v in outcomes.items() if k not in ("held", "SOLD_OUT", "TIER_SOLD_OUT")),
        "payments_accepted": paid_ok,
        "tickets": count,
        "webhooks_unprocessed": unprocessed,
        "oversold": oversold,
    }
    print(json.dumps({"scenario": "rush", "metrics": metrics}))
    return 0 if oversold == 0 and holds <= args.seats else 1


if __name__ == "__main__":
    sys.exit(main())
