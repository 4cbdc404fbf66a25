"""The bare baseline for the discovery feed: Starlette + asyncpg, the one SQL query the feed needs, the same JSON.

    BASELINE_DSN=postgresql://... uvicorn bench.baseline:app --workers N --port P

What it leaves out (so the ratio shows what our stack costs): authentication, rate limits, metrics,
request ids and logging, input validation beyond offset/limit, response-model validation, the Django ORM.
Anonymous requests only (my_status is always null), which is the feed the baseline is compared with.
"""

from __future__ import annotations

import json
import os
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

IST = ZoneInfo("Asia/Kolkata")

FEED_SQL = """
SELECT e.id, e.canonical_id, e.slug, e.title, e.start_at, e.end_at, e.status, e.join_mode, e.visibility,
       e.city, e.country_code, e.location_text, e.capacity, e.seats_taken, e.going_count,
       e.is_paid, e.ticket_price, e.currency, e.venue_id, v.name AS venue_name, v.city AS venue_city,
       h.id AS host_id, h.name AS host_name,
       (SELECT p.url FROM accounts_profilepicture p WHERE p.user_id = e.host_id
         ORDER BY p.position, p.created_at LIMIT 1) AS host_picture,
       (SELECT i.url FROM events_eventimage i WHERE i.event_id = e.id
         ORDER BY i.position, i.created_at LIMIT 1) AS cover_image,
       (SELECT coalesce(json_agg(json_build_object('id', it.id, 'name', it.name, 'slug', it.slug)
                                 ORDER BY it.position, it.id), '[]')
          FROM events_event_interests ei JOIN accounts_interest it ON it.id = ei.interest_id
         WHERE ei.event_id = e.id) AS interests,
       count(*) OVER () AS total
  FROM events_event e
  JOIN accounts_user h ON h.id = e.host_id
  LEFT JOIN events_venue v ON v.id = e.venue_id
 WHERE e.deleted_at IS NULL AND e.status = 'published' AND e.visibility = 'public' AND e.start_at >= now()
 ORDER BY e.start_at, e.id
 LIMIT $1 OFFSET $2
"""


def _slug(text: str) -> str:
    import re

    return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", text.lower())).strip("-_")


def _time(value: datetime) -> str:
    return value.astimezone(IST).isoformat()


def _card(r: asyncpg.Record) -> dict[str, Any]:
    city_slug = _slug(r["city"]) or ("online" if r["venue_id"] is None else "event")
    return {
        "id": str(r["id"]),
        "canonical_id": r["canonical_id"],
        "title": r["title"],
        "start_at": _time(r["start_at"]),
        "end_at": _time(r["end_at"]),
        "status": r["status"],
        "join_mode": r["join_mode"],
        "visibility": r["visibility"],
        "host": {"id": str(r["host_id"]), "name": r["host_name"] or None, "picture": r["host_picture"] or None},
        "venue": (
            {"id": str(r["venue_id"]), "name": r["venue_name"], "city": r["venue_city"]} if r["venue_id"] else None
        ),
        "location_text": r["location_text"] or None,
        "city": r["city"] or None,
        "interests": json.loads(r["interests"]),
        "cover_image": r["cover_image"] or None,
        "is_paid": r["is_paid"],
        "price": f"{r['ticket_price']:.2f}" if r["is_paid"] else None,
        "currency": r["currency"],
        "capacity": r["capacity"],
        "seats_left": None if r["capacity"] == 0 else max(r["capacity"] - r["seats_taken"], 0),
        "going_count": r["going_count"],
        "my_status": None,
        "distance_km": None,
        "share_path": f"/{r['country_code'].lower()}/{city_slug}/events/{r['slug']}--{r['canonical_id']}",
    }


@asynccontextmanager
async def lifespan(app: Starlette):  # noqa: ANN201
    app.state.pool = await asyncpg.create_pool(os.environ["BASELINE_DSN"], min_size=2, max_size=10)
    yield
    await app.state.pool.close()


async def feed(request: Request) -> Response:
    try:
        offset = max(0, int(request.query_params.get("offset", 0)))
        limit = min(100, max(1, int(request.query_params.get("limit", 20))))
    except ValueError:
        return Response(b'{"success": false}', status_code=422, media_type="application/json")
    async with request.app.state.pool.acquire() as conn:
        rows = await conn.fetch(FEED_SQL, limit, offset)
    total = rows[0]["total"] if rows else 0  # an empty page past the end reports 0; fine for a baseline
    body = {
        "success": True,
        "message": "Events",
        "data": [_card(r) for r in rows],
        "meta": {"total": total, "offset": offset, "limit": limit},
    }
    return Response(json.dumps(body).encode(), media_type="application/json")


app = Starlette(routes=[Route("/api/v2/events", feed)], lifespan=lifespan)
