"""The bare baselines: Starlette + asyncpg, the one SQL query each feed needs, the same JSON fields.

    BASELINE_DSN=postgresql://... uvicorn bench.baseline:app --workers N --port P

GET /api/v2/events: the discovery feed, anonymous (my_status always null), byte-for-byte our JSON.
GET /api/v2/feed: the home feed of the person in the bearer token (its `sub` claim read without checking the
signature or the session): mine, friends' public and friends-only, followed people's public and public posts
at events I hold a ticket for, minus people blocked either way or muted, newest first, 20 per page, each with
its author and first picture, event, media, tags and liked-by-me; one SQL statement straight from PostgreSQL
(no timeline), the same fields as ours (media sizes as stored names, not URLs).

What they leave out (so the ratio shows what our stack costs): authentication, rate limits, metrics,
request ids and logging, input validation beyond offset/limit, response-model validation, the Django ORM.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
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
async def lifespan(app: Starlette):
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


HOME_SQL = """
WITH friends AS (SELECT friend_id AS id FROM people_friendship WHERE user_id = $1),
following AS (SELECT followee_id AS id FROM people_follow WHERE follower_id = $1 AND status = 'active'),
hidden AS (SELECT blocked_id AS id FROM people_block WHERE blocker_id = $1
           UNION SELECT blocker_id FROM people_block WHERE blocked_id = $1
           UNION SELECT muted_id FROM people_mute WHERE muter_id = $1),
going AS (SELECT event_id AS id FROM tickets_ticket WHERE user_id = $1 AND status = 'valid')
SELECT p.id, p.text, p.visibility, p.like_count, p.comment_count, p.has_video, p.created_at, p.edited_at,
       u.id AS author_id, u.name AS author_name,
       (SELECT pp.url FROM accounts_profilepicture pp WHERE pp.user_id = u.id ORDER BY pp.position LIMIT 1)
         AS author_picture,
       e.id AS event_id, e.title AS event_title,
       (SELECT coalesce(json_agg(json_build_object('id', m.id, 'kind', m.kind, 'status', m.status,
                                                   'width', m.width, 'height', m.height, 'blurhash', m.blurhash,
                                                   'sizes', m.variants) ORDER BY pm.position), '[]')
          FROM posts_postmedia pm JOIN media_media m ON m.id = pm.media_id WHERE pm.post_id = p.id) AS media,
       (SELECT coalesce(json_agg(json_build_object('id', t.user_id, 'name', tu.name)), '[]')
          FROM posts_posttag t JOIN accounts_user tu ON tu.id = t.user_id WHERE t.post_id = p.id) AS tags,
       EXISTS (SELECT 1 FROM posts_postlike l WHERE l.post_id = p.id AND l.user_id = $1) AS liked
  FROM posts_post p
  JOIN accounts_user u ON u.id = p.author_id
  LEFT JOIN events_event e ON e.id = p.event_id
 WHERE p.deleted_at IS NULL
   AND ($2::timestamptz IS NULL OR p.created_at < $2)
   AND (p.author_id = $1
        OR (p.author_id NOT IN (SELECT id FROM hidden)
            AND ((p.author_id IN (SELECT id FROM friends) AND p.visibility IN ('public', 'friends'))
                 OR (p.author_id IN (SELECT id FROM following) AND p.visibility = 'public')
                 OR (p.event_id IN (SELECT id FROM going) AND p.visibility = 'public'))))
 ORDER BY p.created_at DESC
 LIMIT $3
"""


def _viewer(request: Request) -> str | None:
    token = request.headers.get("authorization", "").removeprefix("Bearer ")
    try:
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]
    except (IndexError, ValueError, KeyError):
        return None


def _post(r: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": str(r["id"]),
        "author": {"id": str(r["author_id"]), "name": r["author_name"], "picture": r["author_picture"]},
        "text": r["text"],
        "visibility": r["visibility"],
        "event": {"id": str(r["event_id"]), "title": r["event_title"]} if r["event_id"] else None,
        "media": json.loads(r["media"]),
        "tags": json.loads(r["tags"]),
        "like_count": r["like_count"],
        "comment_count": r["comment_count"],
        "liked_by_me": r["liked"],
        "is_reel": r["has_video"],
        "created_at": r["created_at"].isoformat(),
        "edited_at": r["edited_at"].isoformat() if r["edited_at"] else None,
    }


async def home(request: Request) -> Response:
    viewer = _viewer(request)
    if viewer is None:
        return Response(b'{"success": false}', status_code=401, media_type="application/json")
    try:
        limit = min(100, max(1, int(request.query_params.get("limit", 20))))
        before = request.query_params.get("before")
        before_at = datetime.fromtimestamp(int(before) / 1000, tz=IST) if before else None
    except ValueError:
        return Response(b'{"success": false}', status_code=422, media_type="application/json")
    async with request.app.state.pool.acquire() as conn:
        rows = await conn.fetch(HOME_SQL, uuid.UUID(viewer), before_at, limit)
    cursor = str(int(rows[-1]["created_at"].timestamp() * 1000)) if len(rows) == limit else None
    body = {
        "success": True,
        "message": "Home feed",
        "data": [_post(r) for r in rows],
        "meta": {"limit": limit, "next_cursor": cursor},
    }
    return Response(json.dumps(body).encode(), media_type="application/json")


app = Starlette(routes=[Route("/api/v2/events", feed), Route("/api/v2/feed", home)], lifespan=lifespan)
